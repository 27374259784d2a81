import ArgumentParser
import AssistantsWire
import Backends
import Foundation
import Synchronization
import ThreadlineCore
import Tools

/// `threadline-bench turn`: what the engine and the driver add to a turn, in process: the
/// first-token overhead on the demo engine, and N parallel tool calls of L ms each.
struct TurnBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turn",
        abstract: "First-token overhead on the demo engine; parallel tools (N calls × L ms), command and in-process.",
        discussion: """
            Drives turns as the REPL does (LocalBackend on a LocalEngine with a SQLite file, \
            RunDriver, ToolRunner), with the model wrapped to time it. First token: from appending \
            the user message to the first text delta the driver reports, minus the demo model's \
            own time (no artificial delay) to its first delta. Parallel tools: a model asks for N \
            calls of a tool that takes L ms (`sleep` as a command tool, or Task.sleep in process); \
            the turn's time minus the model's time, against L (sequential calls would take N·L). \
            Medians of --runs turns after one warm-up turn.
            """)

    @Option(help: "Parallel calls per step, comma-separated.")
    var calls = "1,2,8,32"

    @Option(help: "Milliseconds each tool call takes.")
    var latency = 250

    @Option(help: "Timed turns per case.")
    var runs = 5

    var callCounts: [Int] { calls.split(separator: ",").compactMap { Int($0) } }

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
        guard latency > 0 else { throw ValidationError("--latency must be positive") }
        guard !callCounts.isEmpty, callCounts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--calls must list positive numbers")
        }
    }

    /// The goals from the ticket.
    static let goalFirstToken = Duration.milliseconds(5)
    static let goalToolSlack = Duration.milliseconds(20)

    func run() async throws {
        try await BenchReport.reporting { try await measure(scratch: $0) }
    }

    private func measure(scratch: URL) async throws {
        var missed: [String] = []
        let overhead = try await firstToken(scratch)
        print("first token: user message to first delta minus the demo model's own, median of \(runs): \(Self.ms(overhead)) ms")
        if overhead > Self.goalFirstToken { missed.append("first token \(Self.ms(overhead)) ms") }

        let limit = Duration.milliseconds(latency)
        print("parallel tools, L = \(latency) ms: turn time minus model time, median of \(runs)")
        print("tool          N    turn−model ms   − L ms")
        let tools: [(String, any Tool)] = [
            (
                "command",
                CommandTool(
                    name: "wait", spec: .init(command: ["sleep", "\(Double(latency) / 1000)"], timeout: .seconds(60)),
                    parametersSchema: "{}")
            ),
            ("in-process", SleepTool(name: "wait", latency: limit)),
        ]
        for (kind, tool) in tools {
            for count in callCounts {
                let turn = try await parallelTools(tool, count: count, scratch: scratch)
                print(
                    BenchReport.rightPad(kind, 11) + BenchReport.leftPad(String(count), 4)
                        + BenchReport.leftPad(Self.ms(turn), 16) + BenchReport.leftPad(Self.ms(turn - limit), 9))
                if turn > limit + Self.goalToolSlack { missed.append("\(kind) N=\(count)") }
            }
        }
        print(
            missed.isEmpty
                ? "goals (first token ≤ 5 ms, tools ≤ L + 20 ms): met"
                : "goals (first token ≤ 5 ms, tools ≤ L + 20 ms): MISSED (\(missed.joined(separator: ", ")))")
    }

    /// The median first-token overhead on the demo engine.
    private func firstToken(_ scratch: URL) async throws -> Duration {
        let times = ModelTimes()
        let session = try await Session(
            model: TimedModel(inner: DemoModel(deltaDelay: .zero), times: times), tools: [], scratch: scratch)
        var samples: [Duration] = []
        for round in 0...runs {
            times.reset()
            let firstDelta = Mutex<ContinuousClock.Instant?>(nil)
            let start = ContinuousClock.now
            let summary = try await session.turn("hello") { event in
                if case .textDelta = event { firstDelta.withLock { $0 = $0 ?? .now } }
            }
            guard summary.outcome == .completed, let seen = firstDelta.withLock({ $0 }), let model = times.firstDelta else {
                throw BenchFailure("the demo turn did not stream a reply (\(summary.outcome))")
            }
            if round > 0 { samples.append(seen - start - model) }
        }
        return samples.sorted()[samples.count / 2]
    }

    /// The median turn time minus model time with `count` parallel calls of `tool`.
    private func parallelTools(_ tool: any Tool, count: Int, scratch: URL) async throws -> Duration {
        let times = ModelTimes()
        let session = try await Session(
            model: TimedModel(inner: FanOutModel(calls: count, toolName: tool.name), times: times), tools: [tool],
            scratch: scratch)
        var samples: [Duration] = []
        for round in 0...runs {
            times.reset()
            let start = ContinuousClock.now
            let summary = try await session.turn("go") { _ in }
            let elapsed = ContinuousClock.now - start
            guard summary.outcome == .completed, summary.toolResults.count == count,
                summary.toolResults.allSatisfy({ !$0.isError })
            else {
                let error = summary.toolResults.first { $0.isError }?.output ?? ""
                throw BenchFailure("the \(count)-call turn did not complete (\(summary.outcome)) \(error)")
            }
            if round > 0 { samples.append(elapsed - times.total) }
        }
        return samples.sorted()[samples.count / 2]
    }

    /// One thread on a fresh engine, driven as the REPL drives it.
    struct Session {
        var backend: LocalBackend
        var driver: RunDriver
        var threadID: String

        init(model: any LanguageModel, tools: [any Tool], scratch: URL) async throws {
            let engine = try LocalEngine(
                databasePath: scratch.appendingPathComponent("\(UUID().uuidString).sqlite").path, model: model)
            let definitions = tools.map {
                ToolDefinition(function: FunctionDefinition(name: $0.name, parameters: .object(["type": .string("object")])))
            }
            backend = try await LocalBackend(
                name: "bench", engine: engine, definition: AssistantParameters(model: "bench", instructions: nil, tools: definitions))
            driver = RunDriver(backend: backend, toolRunner: ToolRunner(registry: ToolRegistry(tools), timeout: .seconds(60)))
            threadID = try await backend.createThread().id
        }

        func turn(_ text: String, onEvent: @Sendable (DriverEvent) -> Void) async throws -> TurnSummary {
            try await backend.appendUserMessage(text, threadID: threadID)
            return try await driver.runTurn(threadID: threadID, options: RunOptions(), onEvent: onEvent)
        }
    }

    static func ms(_ duration: Duration) -> String {
        BenchReport.format(duration.inSeconds * 1000, digits: 1)
    }
}
