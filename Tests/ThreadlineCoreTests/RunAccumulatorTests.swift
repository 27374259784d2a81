import Testing
import ThreadlineCore

@Suite("RunAccumulator")
struct RunAccumulatorTests {
    @Test func startsEmpty() {
        let state = RunAccumulator()
        #expect(state.runID == nil)
        #expect(state.text == "")
        #expect(state.pendingToolCalls.isEmpty)
        #expect(state.usage == nil)
        #expect(state.outcome == nil)
    }

    @Test func accumulatesTextInOrder() {
        var state = RunAccumulator()
        state.apply(.started(runID: "run_1"))
        for delta in ["안녕", "하세요", ", ", "world", " 🌦️"] { state.apply(.textDelta(delta)) }
        #expect(state.runID == "run_1")
        #expect(state.text == "안녕하세요, world 🌦️")
    }

    @Test func usageIsSummed() {
        var state = RunAccumulator()
        state.apply(.usage(TokenUsage(inputTokens: 10, outputTokens: 3)))
        #expect(state.usage == TokenUsage(inputTokens: 10, outputTokens: 3))
        state.apply(.usage(TokenUsage(inputTokens: 25, outputTokens: 7)))
        state.apply(.usage(TokenUsage(inputTokens: 1, outputTokens: 0)))
        #expect(state.usage == TokenUsage(inputTokens: 36, outputTokens: 10))
    }

    @Test func pendingToolCallsAreReplacedAndCleared() {
        var state = RunAccumulator()
        state.apply(.started(runID: "run_1"))
        let first = [call("call_1", "a", "{}"), call("call_2", "b", "{}")]
        let second = [call("call_3", "c", "{\"x\":1}")]
        state.apply(.toolCallsRequired(first))
        #expect(state.pendingToolCalls == first)
        state.apply(.toolCallsRequired(second))
        #expect(state.pendingToolCalls == second)
        state.markToolCallsSubmitted()
        #expect(state.pendingToolCalls.isEmpty)
        // Submitting does not touch the rest of the state.
        #expect(state.runID == "run_1")
    }

    @Test func outcomeIsTheFinishedEvent() {
        var state = RunAccumulator()
        state.apply(.started(runID: "run_1"))
        state.apply(.textDelta("partial"))
        #expect(state.outcome == nil)
        state.apply(.finished(.incomplete("max_tokens")))
        #expect(state.outcome == .incomplete("max_tokens"))
        #expect(state.text == "partial")
    }

    @Test func startResetsCallsAndOutcomeButKeepsText() {
        var state = RunAccumulator()
        state.apply(.started(runID: "run_1"))
        state.apply(.textDelta("before "))
        state.apply(.toolCallsRequired([call("call_1", "a", "{}")]))
        state.apply(.finished(.failed("x")))
        state.apply(.started(runID: "run_2"))
        state.apply(.textDelta("after"))
        #expect(state.runID == "run_2")
        #expect(state.pendingToolCalls.isEmpty)
        #expect(state.outcome == nil)
        #expect(state.text == "before after")
    }

    @Test func wholeRunFold() {
        let events: [RunEvent] = [
            .started(runID: "run_9"), .textDelta("Let me check. "),
            .toolCallsRequired([call("call_1", "get_weather", #"{"location":"Seoul"}"#)]),
            .usage(TokenUsage(inputTokens: 50, outputTokens: 10)),
        ]
        var state = RunAccumulator()
        events.forEach { state.apply($0) }
        #expect(state.pendingToolCalls.map(\.id) == ["call_1"])
        state.markToolCallsSubmitted()
        let after: [RunEvent] = [
            .textDelta("It is sunny."), .usage(TokenUsage(inputTokens: 70, outputTokens: 5)), .finished(.completed),
        ]
        after.forEach { state.apply($0) }
        #expect(state.text == "Let me check. It is sunny.")
        #expect(state.usage == TokenUsage(inputTokens: 120, outputTokens: 15))
        #expect(state.outcome == .completed)
        #expect(state.pendingToolCalls.isEmpty)
    }
}
