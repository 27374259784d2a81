import Foundation
import Testing
import TestSupport
import ThreadlineCore

@Suite("RunDriver")
struct RunDriverTests {
    static let threadID = "thread_test"

    static let echo = ClosureTool("echo") { arguments in "echo:\(arguments["location"]?.stringValue ?? "?")" }

    static func driver(
        _ backend: ScriptedBackend, tools: [any Tool] = [echo], maxToolRounds: Int = 8
    ) -> RunDriver {
        RunDriver(
            backend: backend, toolRunner: ToolRunner(registry: ToolRegistry(tools), timeout: .seconds(10)),
            maxToolRounds: maxToolRounds)
    }

    static func echoCalls(_ round: Int, count: Int) -> [ToolCallRequest] {
        (0..<count).map { call("call_r\(round)_\($0)", "echo", #"{"location":"city\#(round).\#($0)"}"#) }
    }

    @Test func plainTextTurn() async throws {
        let backend = ScriptedBackend(events: [[
            .started(runID: "run_1"), .textDelta("Hello"), .textDelta(", "), .textDelta("world"),
            .usage(TokenUsage(inputTokens: 5, outputTokens: 3)), .finished(.completed),
        ]])
        let log = Log<DriverEvent>()
        let options = RunOptions(instructions: "Be brief.", additionalInstructions: "Call me X.", model: "m1")

        let summary = try await Self.driver(backend).runTurn(threadID: Self.threadID, options: options) {
            log.append($0)
        }

        #expect(summary == TurnSummary(
            text: "Hello, world", outcome: .completed, toolResults: [],
            usage: TokenUsage(inputTokens: 5, outputTokens: 3), toolRounds: 0))
        #expect(log.entries == [.textDelta("Hello"), .textDelta(", "), .textDelta("world")])
        #expect(await backend.runRequests == [.init(threadID: Self.threadID, options: options)])
        #expect(await backend.submissions.isEmpty)
        #expect(await backend.cancellations.isEmpty)
    }

    @Test func textDeltasReachOnEventInOrder() async throws {
        let deltas = (0..<200).map { "d\($0) " } + ["날", "씨", "🌧️"]
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_1")] + deltas.prefix(100).map { .textDelta($0) }
                + [.toolCallsRequired(Self.echoCalls(1, count: 1))],
            deltas.dropFirst(100).map { .textDelta($0) } + [.finished(.completed)],
        ])
        let log = Log<DriverEvent>()

        let summary = try await Self.driver(backend).runTurn(threadID: Self.threadID, options: RunOptions()) {
            log.append($0)
        }

        let textEvents = log.entries.compactMap { event -> String? in
            if case .textDelta(let text) = event { return text }
            return nil
        }
        #expect(textEvents == deltas)
        #expect(summary.text == deltas.joined())
    }

    @Test func allOutputsOfAStepGoBackInOneSubmissionInCallOrder() async throws {
        // Call i waits until call i+1 has finished, so the calls finish in reverse order.
        let gates = Gates()
        let chain = ClosureTool("chain", schema: #"{"type":"object","properties":{"i":{"type":"integer"}}}"#) {
            arguments in
            let index = arguments["i"]?.intValue ?? -1
            if index < 3 { try await gates.wait("done \(index + 1)") }
            await gates.open("done \(index)")
            return "out \(index)"
        }
        let calls = (0...3).map { call("call_\($0)", "chain", #"{"i":\#($0)}"#) }
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_42"), .textDelta("Checking. "), .toolCallsRequired(calls)],
            [.textDelta("Done."), .finished(.completed)],
        ])
        let log = Log<DriverEvent>()

        let summary = try await Self.driver(backend, tools: [chain]).runTurn(
            threadID: Self.threadID, options: RunOptions()
        ) { log.append($0) }

        let submissions = await backend.submissions
        try #require(submissions.count == 1)
        #expect(submissions[0].threadID == Self.threadID)
        #expect(submissions[0].runID == "run_42")
        #expect(submissions[0].outputs == (0...3).map { ToolCallOutput(toolCallID: "call_\($0)", output: "out \($0)") })

        #expect(summary.outcome == .completed)
        #expect(summary.text == "Checking. Done.")
        #expect(summary.toolRounds == 1)
        #expect(summary.toolResults.map(\.call) == calls)
        #expect(summary.toolResults.allSatisfy { !$0.isError })

        let expectedEvents: [DriverEvent] =
            [.textDelta("Checking. "), .toolCallsStarted(calls)]
            + summary.toolResults.map { .toolCallFinished($0) } + [.textDelta("Done.")]
        #expect(log.entries == expectedEvents)
        #expect(await backend.cancellations.isEmpty)
    }

    @Test func errorOutputsAreSubmittedWithTheOthers() async throws {
        let calls = [
            call("call_a", "echo", #"{"location":"Seoul"}"#),
            call("call_b", "missing_tool", "{}"),
            call("call_c", "echo", "{not json"),
        ]
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_1"), .toolCallsRequired(calls)],
            [.textDelta("ok"), .finished(.completed)],
        ])

        let summary = try await Self.driver(backend).runTurn(threadID: Self.threadID, options: RunOptions()) { _ in }

        let submissions = await backend.submissions
        try #require(submissions.count == 1)
        let outputs = submissions[0].outputs
        #expect(outputs.map(\.toolCallID) == ["call_a", "call_b", "call_c"])
        #expect(outputs[0].output == "echo:Seoul")
        #expect(errorMessage(outputs[1].output)?.contains("missing_tool") == true)
        #expect(errorMessage(outputs[2].output) != nil)
        #expect(summary.toolResults.map(\.isError) == [false, true, true])
        #expect(summary.outcome == .completed)
    }

    @Test func multipleToolRounds() async throws {
        let rounds = [Self.echoCalls(1, count: 2), Self.echoCalls(2, count: 1), Self.echoCalls(3, count: 3)]
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_m"), .textDelta("A"), .toolCallsRequired(rounds[0]),
             .usage(TokenUsage(inputTokens: 10, outputTokens: 1))],
            [.textDelta("B"), .toolCallsRequired(rounds[1]), .usage(TokenUsage(inputTokens: 20, outputTokens: 2))],
            [.textDelta("C"), .toolCallsRequired(rounds[2]), .usage(TokenUsage(inputTokens: 30, outputTokens: 3))],
            [.textDelta("D"), .usage(TokenUsage(inputTokens: 40, outputTokens: 4)), .finished(.completed)],
        ])
        let log = Log<DriverEvent>()

        let summary = try await Self.driver(backend).runTurn(threadID: Self.threadID, options: RunOptions()) {
            log.append($0)
        }

        let submissions = await backend.submissions
        #expect(submissions.count == 3)
        #expect(submissions.map(\.runID) == ["run_m", "run_m", "run_m"])
        #expect(submissions.map { $0.outputs.map(\.toolCallID) } == rounds.map { $0.map(\.id) })
        #expect(submissions.map { $0.outputs.map(\.output) } == rounds.map { round in
            round.map { "echo:\(JSONValueLocation.of($0.arguments))" }
        })
        #expect(summary.toolRounds == 3)
        #expect(summary.text == "ABCD")
        #expect(summary.outcome == .completed)
        #expect(summary.usage == TokenUsage(inputTokens: 100, outputTokens: 10))
        #expect(summary.toolResults.map(\.call) == rounds.flatMap { $0 })
        #expect(log.entries.filter { if case .toolCallsStarted = $0 { true } else { false } }
            == rounds.map { .toolCallsStarted($0) })
        #expect(await backend.runRequests.count == 1)
        #expect(await backend.cancellations.isEmpty)
        #expect(await backend.remainingScripts == 0)
    }

    @Test(arguments: [0, 1, 3])
    func stopsAfterMaxToolRoundsAndCancelsTheRun(maxRounds: Int) async throws {
        // The model asks for tools forever.
        let scripts: [[RunEvent]] =
            [[.started(runID: "run_loop"), .toolCallsRequired(Self.echoCalls(0, count: 2))]]
            + (1...(maxRounds + 2)).map { [.textDelta("."), .toolCallsRequired(Self.echoCalls($0, count: 2))] }
        let backend = ScriptedBackend(events: scripts)

        let summary = try await Self.driver(backend, maxToolRounds: maxRounds).runTurn(
            threadID: Self.threadID, options: RunOptions()) { _ in }

        guard case .failed(let reason) = summary.outcome else {
            Issue.record("expected .failed, got \(summary.outcome)")
            return
        }
        #expect(reason.contains("\(maxRounds)"))
        #expect(summary.toolRounds == maxRounds)
        #expect(summary.toolResults.count == 2 * maxRounds)
        let submissions = await backend.submissions
        #expect(submissions.count == maxRounds)
        #expect(submissions.map { $0.outputs.map(\.toolCallID) } == (0..<maxRounds).map { Self.echoCalls($0, count: 2).map(\.id) })
        #expect(await backend.cancellations == [.init(threadID: Self.threadID, runID: "run_loop")])
        #expect(await backend.remainingScripts == 2)
    }

    @Test func finalOutcomeIsPassedThrough() async throws {
        let backend = ScriptedBackend(events: [[
            .started(runID: "run_1"), .textDelta("cut"), .finished(.incomplete("max_completion_tokens")),
        ]])
        let summary = try await Self.driver(backend).runTurn(threadID: Self.threadID, options: RunOptions()) { _ in }
        #expect(summary.outcome == .incomplete("max_completion_tokens"))
        #expect(summary.text == "cut")
    }

    @Test func transportErrorIsThrown() async throws {
        struct Broken: Error, Equatable {}
        let backend = ScriptedBackend([
            ScriptedStream([.started(runID: "run_1"), .textDelta("half")], ending: .fail(Broken()))
        ])
        await #expect(throws: Broken.self) {
            try await Self.driver(backend).runTurn(threadID: Self.threadID, options: RunOptions()) { _ in }
        }
        #expect(await backend.cancellations.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingDuringStreamingGivesCancelledSummaryAndCancelsRun() async throws {
        let backend = ScriptedBackend([
            ScriptedStream([.started(runID: "run_c"), .textDelta("Partial "), .textDelta("answer")], ending: .hang)
        ])
        let log = Log<DriverEvent>()
        let (deltasSeen, seen) = AsyncStream<Void>.makeStream()
        let driver = Self.driver(backend)

        let task = Task {
            try await driver.runTurn(threadID: Self.threadID, options: RunOptions()) { event in
                log.append(event)
                if case .textDelta = event { seen.yield() }
            }
        }
        var iterator = deltasSeen.makeAsyncIterator()
        for _ in 0..<2 { await iterator.next() }
        task.cancel()
        let summary = try await task.value

        #expect(summary.outcome == .cancelled)
        #expect(summary.text == "Partial answer")
        #expect(log.entries == [.textDelta("Partial "), .textDelta("answer")])
        #expect(await backend.cancellations == [.init(threadID: Self.threadID, runID: "run_c")])
        #expect(await backend.submissions.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingWhileToolsRunGivesCancelledSummaryWithoutSubmitting() async throws {
        let gates = Gates()
        let stuck = ClosureTool("stuck") { _ in
            try await gates.wait("never opened")
            return "unreachable"
        }
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_t"), .textDelta("Looking it up"), .toolCallsRequired([call("call_1", "stuck", #"{"location":"x"}"#)])],
            [.textDelta("should not be streamed"), .finished(.completed)],
        ])
        let (toolsStarted, started) = AsyncStream<Void>.makeStream()
        let driver = RunDriver(
            backend: backend, toolRunner: ToolRunner(registry: ToolRegistry([stuck]), timeout: .seconds(3600)))

        let task = Task {
            try await driver.runTurn(threadID: Self.threadID, options: RunOptions()) { event in
                if case .toolCallsStarted = event { started.yield() }
            }
        }
        var iterator = toolsStarted.makeAsyncIterator()
        await iterator.next()
        task.cancel()
        let summary = try await task.value

        #expect(summary.outcome == .cancelled)
        #expect(summary.text == "Looking it up")
        #expect(await backend.submissions.isEmpty)
        #expect(await backend.cancellations == [.init(threadID: Self.threadID, runID: "run_t")])
    }
}

/// The "location" member of an arguments JSON text.
enum JSONValueLocation {
    static func of(_ arguments: String) -> String {
        (try? JSONValue.parse(arguments))?["location"]?.stringValue ?? "?"
    }
}
