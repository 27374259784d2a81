import ArgumentParser
import Foundation

/// `threadline-bench big-thread`: the REPL on a thread of --big messages against the same on a
/// thread of 10: resuming it, `/history`, one more turn, peak RSS.
struct BigThreadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "big-thread",
        abstract: "The REPL on a big thread against a 10-message one: resume, /history, one more turn.",
        discussion: """
            Seeds both threads through `threadline serve` (user and assistant messages in turn) in \
            a fresh THREADLINE_HOME, stops it, then runs the installed threadline piped with \
            --thread ID: with empty input (resume to ready), with `/history`, and with one message \
            (a demo turn without delay, which adds to the thread). The cases alternate between the \
            two threads for --runs rounds; the median wall time counts, peak RSS is GNU time's.
            """)

    @Option(help: ArgumentHelp("The installed threadline.", valueName: "path"))
    var threadline = ".build/bench-install/bin/threadline"

    @Option(help: "Messages in the big thread.")
    var big = 10_000

    @Option(help: "Timed rounds.")
    var runs = 10

    func validate() throws {
        guard big > 10 else { throw ValidationError("--big must be more than 10") }
        guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
    }

    /// The goal from the ticket: the big thread within this factor of the small one.
    static let goalRatio = 1.5

    func run() async throws {
        try await BenchReport.reporting { try await measure(scratch: $0) }
    }

    private func measure(scratch: URL) async throws {
        let environment = BenchReport.threadlineEnvironment(home: scratch)
        let serve = try ServerProcess.serve(threadline, environment: environment)
        let client = ServeClient(port: serve.port)
        let small: String
        let large: String
        do {
            small = try await client.thread(messages: 10)
            large = try await client.thread(messages: big)
        } catch {
            serve.stop()
            throw error
        }
        serve.stop()

        let inputs = [("resume (empty input)", "/dev/null"), ("/history", "history.txt"), ("one more turn", "turn.txt")]
        for (name, text) in [("history.txt", "/history\n"), ("turn.txt", "hello\n")] {
            guard FileManager.default.createFile(atPath: scratch.appendingPathComponent(name).path, contents: Data(text.utf8)) else {
                throw BenchFailure("cannot write \(name)")
            }
        }
        print("big-thread: \(threadline), piped, --thread ID; median of \(runs) runs; peak RSS (GNU time)")
        print(
            "case                  10 msgs ms  \(BenchReport.leftPad(BenchReport.grouped(big), 6)) msgs ms   ratio   10 MiB  big MiB   ratio"
        )
        var missed: [String] = []
        for (name, file) in inputs {
            let input = file.hasPrefix("/") ? file : scratch.appendingPathComponent(file).path
            let arguments = { (thread: String) in [threadline, "--thread", thread, "--no-history"] }
            var times: [[Double]] = [[], []]
            for _ in 0..<runs {
                for (index, thread) in [small, large].enumerated() {
                    times[index].append(try MeasuredProcess.time(arguments(thread), environment: environment, input: input))
                }
            }
            let medians = times.map { $0.sorted()[$0.count / 2] }
            let peaks = try [small, large].map { thread in
                try MeasuredProcess.peakRSS(arguments(thread), environment: environment, input: input, scratch: scratch)
            }
            let timeRatio = medians[1] / medians[0]
            let rssRatio = Double(peaks[1]) / Double(peaks[0])
            print(
                BenchReport.rightPad(name, 21) + BenchReport.leftPad(BenchReport.format(medians[0] * 1000, digits: 1), 11)
                    + BenchReport.leftPad(BenchReport.format(medians[1] * 1000, digits: 1), 15)
                    + BenchReport.leftPad(BenchReport.format(timeRatio, digits: 2) + "×", 8)
                    + BenchReport.leftPad(BenchReport.format(Double(peaks[0]) / 1024, digits: 1), 9)
                    + BenchReport.leftPad(BenchReport.format(Double(peaks[1]) / 1024, digits: 1), 9)
                    + BenchReport.leftPad(BenchReport.format(rssRatio, digits: 2) + "×", 8))
            if timeRatio > Self.goalRatio { missed.append("\(name) time") }
            if rssRatio > Self.goalRatio { missed.append("\(name) RSS") }
        }
        print(
            missed.isEmpty
                ? "goal: within \(Self.goalRatio)× of the 10-message thread: met"
                : "goal: within \(Self.goalRatio)× of the 10-message thread: MISSED (\(missed.joined(separator: ", ")))")
    }
}
