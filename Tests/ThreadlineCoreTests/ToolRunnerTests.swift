import Foundation
import Synchronization
import Testing
import ThreadlineCore

@Suite("ToolRunner")
struct ToolRunnerTests {
    /// A generous timeout that only guards against a deadlock: when calls run one at a time,
    /// every waiting call times out and the test fails on the error outputs instead of hanging.
    static let guardTimeout: Duration = .seconds(10)

    @Test func noCallsGiveNoResults() async {
        let runner = ToolRunner(registry: ToolRegistry(), timeout: Self.guardTimeout)
        #expect(await runner.run([]).isEmpty)
    }

    @Test(arguments: [2, 3, 8])
    func callsRunConcurrently(count: Int) async {
        // Each call waits until all `count` calls have started: possible only if they all run at once.
        let barrier = Barrier(parties: count)
        let tool = ClosureTool("rendezvous") { arguments in
            let released = try await barrier.arriveAndWait()
            return "\(arguments["location"]?.stringValue ?? "?") saw \(released)"
        }
        let runner = ToolRunner(registry: ToolRegistry([tool]), timeout: Self.guardTimeout)
        let calls = (0..<count).map { call("call_\($0)", "rendezvous", #"{"location":"city\#($0)"}"#) }

        let results = await runner.run(calls)

        #expect(results.map(\.call) == calls)
        #expect(results.allSatisfy { !$0.isError }, "outputs: \(results.map(\.output))")
        #expect(results.map(\.output) == (0..<count).map { "city\($0) saw \(count)" })
    }

    @Test func resultsAreInCallOrderWhenLaterCallsFinishFirst() async {
        // Call i waits until call i+1 has finished, so they finish in reverse order.
        let count = 5
        let gates = Gates()
        let finished = Log<Int>()
        let tool = ClosureTool("chain", schema: #"{"type":"object","properties":{"i":{"type":"integer"}}}"#) {
            arguments in
            let index = arguments["i"]?.intValue ?? -1
            if index < count - 1 { try await gates.wait("finished \(index + 1)") }
            finished.append(index)
            await gates.open("finished \(index)")
            return "result \(index)"
        }
        let runner = ToolRunner(registry: ToolRegistry([tool]), timeout: Self.guardTimeout)
        let calls = (0..<count).map { call("call_\($0)", "chain", #"{"i":\#($0)}"#) }

        let results = await runner.run(calls)

        #expect(finished.entries == Array((0..<count).reversed()))
        #expect(results.map(\.call.id) == calls.map(\.id))
        #expect(results.map(\.output) == (0..<count).map { "result \($0)" })
        #expect(results.allSatisfy { !$0.isError })
    }

    @Test func failuresBecomeErrorOutputsAndOtherCallsSucceed() async throws {
        let echo = ClosureTool("echo") { arguments in "weather in \(arguments["location"]?.stringValue ?? "?")" }
        let failing = ClosureTool("failing") { _ in throw ToolError("city not found: Atlantis") }
        let runner = ToolRunner(registry: ToolRegistry([echo, failing]), timeout: Self.guardTimeout)
        let calls = [
            call("call_ok1", "echo", #"{"location":"Seoul"}"#),
            call("call_unknown", "no_such_tool", #"{"location":"Seoul"}"#),
            call("call_badjson", "echo", #"{"location": "Seo"#),
            call("call_schema", "echo", #"{"location":"Seoul","days":"three"}"#),
            call("call_missing", "echo", #"{"days":2}"#),
            call("call_throws", "failing", #"{"location":"Atlantis"}"#),
            call("call_ok2", "echo", #"{"location":"부산"}"#),
        ]

        let results = await runner.run(calls)

        try #require(results.count == calls.count)
        #expect(results.map(\.call) == calls)
        #expect(results.map(\.isError) == [false, true, true, true, true, true, false])
        #expect(results[0].output == "weather in Seoul")
        #expect(results[6].output == "weather in 부산")

        let messages = results.map { errorMessage($0.output) }
        #expect(messages[0] == nil)
        #expect(messages[1]?.contains("unknown tool") == true)
        #expect(messages[1]?.contains("no_such_tool") == true)
        #expect(messages[2]?.contains("not valid JSON") == true)
        #expect(messages[3]?.contains("days") == true)
        #expect(messages[3]?.contains("integer") == true)
        #expect(messages[4]?.contains("location") == true)
        #expect(messages[5] == "city not found: Atlantis")
        #expect(messages[6] == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func timeoutBecomesErrorOutputAndOtherCallsSucceed() async throws {
        let gates = Gates()
        let stuck = ClosureTool("stuck") { _ in
            try await gates.wait("never opened")
            return "unreachable"
        }
        let echo = ClosureTool("echo") { arguments in "ok \(arguments["location"]?.stringValue ?? "?")" }
        let runner = ToolRunner(registry: ToolRegistry([stuck, echo]), timeout: .seconds(1))
        let calls = [
            call("call_1", "echo", #"{"location":"a"}"#),
            call("call_2", "stuck", #"{"location":"b"}"#),
            call("call_3", "echo", #"{"location":"c"}"#),
        ]

        let results = await runner.run(calls)

        try #require(results.count == 3)
        #expect(results.map(\.call) == calls)
        #expect(results.map(\.isError) == [false, true, false])
        #expect(results[0].output == "ok a")
        #expect(results[2].output == "ok c")
        let message = try #require(errorMessage(results[1].output))
        #expect(message.contains("timed out"))
    }

    @Test(.timeLimit(.minutes(1)))
    func toolIgnoringCancellationDoesNotHoldTheTurnPastTheTimeout() async throws {
        // The tool blocks its thread in usleep and never looks at cancellation; it lets go only
        // when the test says so, or after a bound that keeps a broken runner from hanging.
        let released = Mutex(false)
        let finished = Log<String>()
        let stubborn = ClosureTool("stubborn") { _ in
            for _ in 0..<20_000 where !released.withLock({ $0 }) { usleep(1_000) }
            finished.append("stubborn")
            return "too late"
        }
        let runner = ToolRunner(registry: ToolRegistry([stubborn]), timeout: .milliseconds(200))

        let results = await runner.run([call("call_1", "stubborn", #"{"location":"a"}"#)])

        // The turn got its timeout output while the tool was still blocked.
        #expect(finished.entries.isEmpty)
        released.withLock { $0 = true }
        try #require(results.count == 1)
        #expect(results[0].isError)
        #expect(errorMessage(results[0].output)?.contains("timed out") == true)
    }

    @Test func errorOutputIsJSONObjectWithErrorKey() async throws {
        let runner = ToolRunner(registry: ToolRegistry(), timeout: Self.guardTimeout)
        let results = await runner.run([call("call_1", #"we"ird/name"#, "{}")])
        let result = try #require(results.first)
        #expect(result.isError)
        let object = try #require(try JSONValue.parse(result.output).objectValue)
        #expect(Array(object.keys) == ["error"])
        #expect(object["error"]?.stringValue?.contains(#"we"ird/name"#) == true)
    }

    @Test func argumentsReachTheToolValidated() async {
        let seen = Log<String>()
        let tool = ClosureTool("record") { arguments in
            let days = arguments["days"]?.intValue ?? -1
            seen.append("\(arguments["location"]?.stringValue ?? "?")/\(days)")
            return "done"
        }
        let runner = ToolRunner(registry: ToolRegistry([tool]), timeout: Self.guardTimeout)
        let results = await runner.run([
            call("call_1", "record", #"{"location":"제주","days":4}"#),
            call("call_2", "record", #"{"days":"4"}"#),
        ])
        #expect(results.map(\.isError) == [false, true])
        // The invalid call never reached the tool.
        #expect(seen.entries == ["제주/4"])
    }

    @Test func durationFormatting() {
        #expect(Duration.seconds(30).formattedSeconds == "30 s")
        #expect(Duration.milliseconds(500).formattedSeconds == "0.5 s")
    }
}
