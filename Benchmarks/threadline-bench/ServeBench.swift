import ArgumentParser
import Foundation

/// `threadline-bench serve`: `threadline serve` under load from wrk, side by side with a
/// Hummingbird hello route (`hello-server`, its own process) as the ceiling.
struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "threadline serve under load (wrk), against a Hummingbird hello route as the ceiling.",
        discussion: """
            Starts `threadline serve` (demo model, no artificial delay, a fresh THREADLINE_HOME) and \
            `threadline-bench hello-server` on 127.0.0.1, seeds a thread of 20 and one of --big \
            messages, then for each concurrency runs wrk for --seconds on each case in turn: the \
            hello route, messages.list(limit=20) on both threads, thread+message creation, and a \
            streamed demo run (POST /v1/threads/runs, stream=true). Reports req/s, p50/p99, errors \
            and serve's RSS after each case; ratios are against the hello route at the same \
            concurrency.
            """)

    @Option(help: ArgumentHelp("The threadline binary to serve with.", valueName: "path"))
    var threadline = ".build/bench-install/bin/threadline"

    @Option(help: "Seconds of load per case and concurrency.")
    var seconds = 5

    @Option(help: "Messages in the big thread.")
    var big = 10_000

    @Option(help: "Concurrencies (open connections), comma-separated.")
    var concurrency = "1,8,32,64"

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be at least 1") }
        guard big > 20 else { throw ValidationError("--big must be more than 20") }
        guard !connections.isEmpty, connections.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--concurrency must list positive numbers")
        }
    }

    var connections: [Int] { concurrency.split(separator: ",").compactMap { Int($0) } }

    /// The goals from the ticket.
    static let goalListShare = 0.25
    static let goalRunsPerSecond = 300.0

    func run() async throws {
        try await BenchReport.reporting { try await measure(scratch: $0) }
    }

    private func measure(scratch: URL) async throws {
        let environment = BenchReport.threadlineEnvironment(home: scratch)
        let bench = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let hello = try ServerProcess([bench, "hello-server"], environment: environment)
        defer { hello.stop() }
        let serve = try ServerProcess.serve(threadline, environment: environment)
        defer { serve.stop() }

        let client = ServeClient(port: serve.port)
        let api = client.base
        let message = ServeClient.userMessage
        let assistant = try await client.post("/assistants", #"{"model":"demo","name":"bench"}"#)
        let small = try await client.thread(messages: 20)
        let seeding = ContinuousClock.now
        let large = try await client.thread(messages: big)
        let seeded = (ContinuousClock.now - seeding).inSeconds
        let runBody = #"{"assistant_id":"\#(assistant)","stream":true,"thread":{"messages":[\#(message)]}}"#
        try await client.checkRun(runBody)
        print("serve: \(threadline), demo model without delay; \(seconds) s of wrk per case")
        print("seeded a \(BenchReport.grouped(big))-message thread in \(BenchReport.format(seeded, digits: 1)) s (one POST /v1/threads)")

        let wrk = Wrk(seconds: seconds)
        let cases: [(name: String, url: String, body: String?)] = [
            ("hello (ceiling)", "http://127.0.0.1:\(hello.port)/hello", nil),
            ("list 20 of 20", "\(api)/threads/\(small)/messages?limit=20", nil),
            ("list 20 of \(big)", "\(api)/threads/\(large)/messages?limit=20", nil),
            ("thread+message", "\(api)/threads", #"{"messages":[\#(message)]}"#),
            ("streamed run", "\(api)/threads/runs", runBody),
        ]
        print("case                 conc      req/s    p50 ms    p99 ms  errors  vs hello  serve RSS MiB")
        var findings: [String] = []
        var runs = 0
        for connections in connections {
            var ceiling = 0.0
            var rates: [String: Double] = [:]
            for item in cases {
                let result = try wrk.run(url: item.url, connections: connections, body: item.body, scratch: scratch)
                if ceiling == 0 { ceiling = result.requestsPerSecond }
                rates[item.name] = result.requestsPerSecond
                if item.body == runBody { runs += result.requests }
                let rss = serve.memory.map { BenchReport.format(Double($0.current) / 1024, digits: 1) } ?? "?"
                print(
                    BenchReport.rightPad(item.name, 19) + BenchReport.leftPad(String(connections), 6)
                        + BenchReport.leftPad(BenchReport.format(result.requestsPerSecond, digits: 0), 11)
                        + BenchReport.leftPad(BenchReport.format(result.p50 * 1000, digits: 2), 10)
                        + BenchReport.leftPad(BenchReport.format(result.p99 * 1000, digits: 2), 10)
                        + BenchReport.leftPad(String(result.errors), 8)
                        + BenchReport.leftPad(BenchReport.format(result.requestsPerSecond / ceiling * 100, digits: 1) + "%", 10)
                        + BenchReport.leftPad(rss, 15))
                if result.errors > 0 { findings.append("\(result.errors) errors on \(item.name) at \(connections)") }
            }
            let list = min(rates[cases[1].name] ?? 0, rates[cases[2].name] ?? 0)
            if list < Self.goalListShare * ceiling {
                findings.append("list below \(Int(Self.goalListShare * 100))% of the ceiling at \(connections)")
            }
            if connections == 32, let rate = rates[cases[4].name], rate < Self.goalRunsPerSecond {
                findings.append("\(BenchReport.format(rate, digits: 0)) streamed runs/s at 32 (goal \(Int(Self.goalRunsPerSecond)))")
            }
        }
        let peak = serve.memory.map { BenchReport.format(Double($0.peak) / 1024, digits: 1) } ?? "?"
        print("serve peak RSS \(peak) MiB after \(BenchReport.grouped(runs)) streamed runs")
        print(findings.isEmpty ? "goals: all met" : "goals MISSED: " + findings.joined(separator: "; "))
    }
}
