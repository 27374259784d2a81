import ArgumentParser
import Foundation

/// `threadline-bench startup`: how long the installed `threadline` takes from exec to ready (piped,
/// empty input: it opens its store, starts the session, reads EOF and exits) and its peak RSS,
/// side by side with a Swift Foundation hello-world built the same way and with `llm` (PyPI).
struct StartupBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "startup",
        abstract: "Start-up to ready and peak RSS: threadline against a Swift hello-world and llm.",
        discussion: """
            Runs the three programs in turn, --runs rounds, stdin from /dev/null, output discarded; \
            the median wall time counts. Peak RSS is GNU time's (the largest of three runs). \
            threadline runs with THREADLINE_HOME in a fresh temporary directory (the first, untimed \
            run creates its store); llm runs `llm --version`, which loads its whole CLI and plugins \
            and so is a lower bound on its time to ready. make bench installs threadline and the \
            hello-world into .build/bench-install first.
            """)

    @Option(help: ArgumentHelp("The installed threadline.", valueName: "path"))
    var threadline = ".build/bench-install/bin/threadline"

    @Option(help: ArgumentHelp("The Swift Foundation hello-world, built like threadline.", valueName: "path"))
    var hello = ".build/bench-install/bin/threadline-hello"

    @Option(help: ArgumentHelp("llm from the bench venv (skipped when missing).", valueName: "path"))
    var llm = ".venv/bin/llm"

    @Option(help: "Timed rounds; each runs every program once.")
    var runs = 20

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
    }

    struct Program {
        var name: String
        var arguments: [String]
        var seconds: [Double] = []
        var peakKiB = 0

        var median: Double { seconds.sorted()[seconds.count / 2] }
    }

    /// The goals from the ticket.
    static let goalSeconds = 0.015
    static let goalKiB = 25 * 1024
    static let goalLLMRatio = 40.0

    func run() throws {
        do {
            try measure()
        } catch let failure as BenchFailure {
            throw BenchReport.fail(failure)
        }
    }

    private func measure() throws {
        let scratch = try BenchReport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let environment = BenchReport.threadlineEnvironment(home: scratch)
        var programs = [
            Program(name: "threadline", arguments: [threadline]),
            Program(name: "swift hello", arguments: [hello]),
        ]
        if FileManager.default.isExecutableFile(atPath: llm) {
            programs.append(Program(name: "llm", arguments: [llm, "--version"]))
        } else {
            BenchReport.printError("no \(llm) (make venv); llm is not compared")
        }
        for index in programs.indices {
            _ = try MeasuredProcess.time(programs[index].arguments, environment: environment)
        }
        for _ in 0..<runs {
            for index in programs.indices {
                programs[index].seconds.append(try MeasuredProcess.time(programs[index].arguments, environment: environment))
            }
        }
        for index in programs.indices {
            programs[index].peakKiB =
                try (0..<3).map { _ in
                    try MeasuredProcess.peakRSS(programs[index].arguments, environment: environment, scratch: scratch)
                }.max() ?? 0
        }
        report(programs)
    }

    private func report(_ programs: [Program]) {
        let ours = programs[0]
        print("start-up to ready (piped, empty input), median of \(runs) runs; peak RSS (GNU time)")
        print("program        median ms    min ms   peak MiB   time vs threadline")
        for program in programs {
            let ratio = program.median / ours.median
            print(
                BenchReport.rightPad(program.name, 13)
                    + BenchReport.leftPad(BenchReport.format(program.median * 1000, digits: 1), 12)
                    + BenchReport.leftPad(BenchReport.format((program.seconds.min() ?? 0) * 1000, digits: 1), 10)
                    + BenchReport.leftPad(BenchReport.format(Double(program.peakKiB) / 1024, digits: 1), 11)
                    + BenchReport.leftPad(BenchReport.format(ratio, digits: 2) + "×", 16))
        }
        let meets = { (met: Bool) in met ? "met" : "MISSED" }
        print(
            "goal: ready ≤ \(Int(Self.goalSeconds * 1000)) ms: \(meets(ours.median <= Self.goalSeconds)); "
                + "peak RSS ≤ \(Self.goalKiB / 1024) MiB: \(meets(ours.peakKiB <= Self.goalKiB))"
                + (programs.first { $0.name == "llm" }.map {
                    "; ≥ \(Int(Self.goalLLMRatio))× faster than llm: \(BenchReport.format($0.median / ours.median, digits: 1))× "
                        + meets($0.median / ours.median >= Self.goalLLMRatio)
                } ?? ""))
    }
}
