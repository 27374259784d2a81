import AssistantsWire
import Testing
import ThreadlineCore

@testable import Backends

@Suite("AssistantsEventTranslator", .timeLimit(.minutes(1)))
struct AssistantsEventTranslatorTests {
    let translator = AssistantsEventTranslator()

    /// One event through a fresh translator.
    private func translated(_ event: StreamEvent) -> [RunEvent] {
        var translator = translator
        return translator.translate(event)
    }

    private func run(_ status: RunStatus, id: String = "run_abc") -> Run {
        Run(
            id: id, createdAt: 1_700_000_000, threadID: "thread_1", assistantID: "asst_1", status: status,
            model: "gpt-4o", instructions: nil, tools: [], expiresAt: nil)
    }

    @Test func createdStartsTheRun() {
        #expect(translated(.run(phase: "created", run(.queued, id: "run_42"))) == [.started(runID: "run_42")])
    }

    @Test func requiresActionListsEveryCall() {
        var waiting = run(.requiresAction)
        waiting.requiredAction = RequiredAction(toolCalls: [
            ToolCall(id: "call_1", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
            ToolCall(id: "call_2", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
        ])
        #expect(
            translated(.run(phase: "requires_action", waiting)) == [
                .toolCallsRequired([
                    ToolCallRequest(id: "call_1", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
                    ToolCallRequest(id: "call_2", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
                ])
            ])
    }

    @Test func completedReportsUsageThenFinishes() {
        var done = run(.completed)
        #expect(translated(.run(phase: "completed", done)) == [.finished(.completed)])
        done.usage = Usage(promptTokens: 120, completionTokens: 34)
        #expect(
            translated(.run(phase: "completed", done)) == [
                .usage(TokenUsage(inputTokens: 120, outputTokens: 34)), .finished(.completed),
            ])
    }

    @Test func failedCarriesTheError() throws {
        var failed = run(.failed)
        failed.lastError = RunError(code: "rate_limit_exceeded", message: "Slow down.")
        let events = translated(.run(phase: "failed", failed))
        guard case .finished(.failed(let reason))? = events.last, events.count == 1 else {
            Issue.record("unexpected \(events)")
            return
        }
        #expect(reason.contains("rate_limit_exceeded"))
        #expect(reason.contains("Slow down."))
        failed.lastError = nil
        #expect(translated(.run(phase: "failed", failed)).count == 1)
    }

    @Test func incompleteCarriesTheReason() {
        var stopped = run(.incomplete)
        stopped.incompleteDetails = IncompleteDetails(reason: "max_completion_tokens")
        stopped.usage = Usage(promptTokens: 5, completionTokens: 7)
        #expect(
            translated(.run(phase: "incomplete", stopped)) == [
                .usage(TokenUsage(inputTokens: 5, outputTokens: 7)), .finished(.incomplete("max_completion_tokens")),
            ])
    }

    @Test func cancelledAndExpiredFinish() {
        #expect(translated(.run(phase: "cancelled", run(.cancelled))) == [.finished(.cancelled)])
        #expect(translated(.run(phase: "expired", run(.expired))) == [.finished(.expired)])
    }

    @Test func eventsAfterTheRunEndedAreIgnored() {
        var translator = translator
        #expect(translator.translate(.run(phase: "completed", run(.completed))) == [.finished(.completed)])
        #expect(translator.translate(.messageDelta(MessageDelta(messageID: "msg_1", text: "late"))) == [])
        #expect(translator.translate(.run(phase: "failed", run(.failed))) == [])
        var waiting = AssistantsEventTranslator()
        var asking = run(.requiresAction)
        asking.requiredAction = RequiredAction(toolCalls: [ToolCall(id: "call_1", name: "get_rain_probability", arguments: "{}")])
        #expect(waiting.translate(.run(phase: "requires_action", asking)).count == 1)
        #expect(waiting.translate(.messageDelta(MessageDelta(messageID: "msg_1", text: "late"))) == [])
    }

    @Test func messageDeltaBecomesTextDelta() {
        #expect(translated(.messageDelta(MessageDelta(messageID: "msg_1", text: "부산의 "))) == [.textDelta("부산의 ")])
        #expect(translated(.messageDelta(MessageDelta(messageID: "msg_1", text: ""))) == [])
    }

    @Test func errorEventFails() {
        let body = APIErrorBody(message: "boom", type: "server_error")
        #expect(translated(.error(body)) == [.finished(.failed("boom"))])
    }

    @Test func intermediateAndUnknownEventsAreIgnored() {
        let step = RunStep(
            id: "step_1", createdAt: 0, runID: "run_abc", assistantID: "asst_1", threadID: "thread_1",
            status: "in_progress", details: .messageCreation(messageID: "msg_1"))
        let message = Message(id: "msg_1", createdAt: 0, threadID: "thread_1", status: "completed", role: "assistant", text: "hi")
        let ignored: [StreamEvent] = [
            .run(phase: "queued", run(.queued)), .run(phase: "in_progress", run(.inProgress)),
            .run(phase: "cancelling", run(.cancelling)),
            .runStep(phase: "created", step), .runStepDelta(RunStepDelta(stepID: "step_1", toolCalls: [])),
            .message(phase: "created", message), .message(phase: "completed", message),
            .threadCreated(AssistantThread(id: "thread_1", createdAt: 0)),
            .unknown(name: "thread.run.step.something_new"), .done,
        ]
        for event in ignored {
            #expect(translated(event) == [], "\(event.name)")
        }
    }

    @Test func translatesAStreamInOrder() async throws {
        var done = run(.completed)
        done.usage = Usage(promptTokens: 1, completionTokens: 2)
        let source = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            continuation.yield(.run(phase: "created", run(.queued)))
            continuation.yield(.unknown(name: "ping"))
            continuation.yield(.messageDelta(MessageDelta(messageID: "m", text: "Hel")))
            continuation.yield(.messageDelta(MessageDelta(messageID: "m", text: "lo")))
            continuation.yield(.run(phase: "completed", done))
            continuation.finish()
        }
        var events: [RunEvent] = []
        for try await event in translator.translate(source) { events.append(event) }
        #expect(
            events == [
                .started(runID: "run_abc"), .textDelta("Hel"), .textDelta("lo"),
                .usage(TokenUsage(inputTokens: 1, outputTokens: 2)), .finished(.completed),
            ])
    }

    @Test func streamErrorsPassThrough() async throws {
        struct Broken: Error {}
        let source = AsyncThrowingStream<StreamEvent, any Error> { continuation in
            continuation.yield(.messageDelta(MessageDelta(messageID: "m", text: "part")))
            continuation.finish(throwing: Broken())
        }
        var events: [RunEvent] = []
        await #expect(throws: Broken.self) {
            for try await event in translator.translate(source) { events.append(event) }
        }
        #expect(events == [.textDelta("part")])
    }

    @Test func callsStreamedAsFragmentsStandInWhenRequiredActionListsNone() {
        var translator = translator
        let step = RunStep(
            id: "step_2", createdAt: 0, runID: "run_abc", assistantID: "asst_1", threadID: "thread_1",
            status: "in_progress", details: .toolCalls([]))
        _ = translator.translate(.runStep(phase: "created", step))
        let fragments = [
            ToolCallDelta(index: 1, id: "call_b", function: .init(name: "get_rain_probability", arguments: "{\"loc")),
            ToolCallDelta(index: 0, id: "call_a", function: .init(name: "get_current_temperature", arguments: "{")),
            ToolCallDelta(index: 1, function: .init(arguments: "ation\":\"부산\"}")),
            ToolCallDelta(index: 0, function: .init(arguments: "}")),
        ]
        for fragment in fragments {
            #expect(translator.translate(.runStepDelta(RunStepDelta(stepID: "step_2", toolCalls: [fragment]))) == [])
        }
        var waiting = run(.requiresAction)
        waiting.requiredAction = RequiredAction(toolCalls: [])
        #expect(
            translator.translate(.run(phase: "requires_action", waiting)) == [
                .toolCallsRequired([
                    ToolCallRequest(id: "call_a", name: "get_current_temperature", arguments: "{}"),
                    ToolCallRequest(id: "call_b", name: "get_rain_probability", arguments: "{\"location\":\"부산\"}"),
                ])
            ])
    }
}
