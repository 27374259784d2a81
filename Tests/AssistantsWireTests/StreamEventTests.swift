import AssistantsWire
import Foundation
import Testing
import ThreadlineCore

/// Wire values built in code, for round trips.
enum Samples {
    static let weatherFunction = FunctionDefinition(
        name: "get_current_weather", description: "Current weather of a city",
        parameters: .object([
            "type": .string("object"),
            "properties": .object(["location": .object(["type": .string("string")])]),
            "required": .array([.string("location")]),
        ]))

    static let thread = AssistantThread(id: "thread_abc", createdAt: 1_700_000_000, metadata: ["topic": "날씨"])

    static var run: Run {
        var run = Run(
            id: "run_1", createdAt: 1_700_000_001, threadID: "thread_abc", assistantID: "asst_1",
            status: .requiresAction, model: "gpt-4o", instructions: "Be brief.",
            tools: [ToolDefinition(function: weatherFunction)], expiresAt: 1_700_000_601)
        run.requiredAction = RequiredAction(toolCalls: [
            ToolCall(id: "call_1", name: "get_current_weather", arguments: "{\"location\":\"Seoul\"}"),
            ToolCall(id: "call_2", name: "get_current_weather", arguments: "{\"location\":\"부산\"}"),
        ])
        run.startedAt = 1_700_000_002
        run.usage = Usage(promptTokens: 12, completionTokens: 34)
        run.temperature = 0.5
        return run
    }

    static let toolStep = RunStep(
        id: "step_1", createdAt: 1_700_000_003, runID: "run_1", assistantID: "asst_1", threadID: "thread_abc",
        status: "in_progress",
        details: .toolCalls([ToolCall(id: "call_1", name: "get_current_weather", arguments: "{}", output: "sunny")]))

    static let messageStep = RunStep(
        id: "step_2", createdAt: 1_700_000_004, runID: "run_1", assistantID: "asst_1", threadID: "thread_abc",
        status: "completed", details: .messageCreation(messageID: "msg_1"))

    static let stepDelta = RunStepDelta(
        stepID: "step_1",
        toolCalls: [
            ToolCallDelta(index: 0, id: "call_1", function: .init(name: "get_current_weather", arguments: "")),
            ToolCallDelta(index: 0, function: .init(arguments: "{\"loc")),
        ])

    static let message = Message(
        id: "msg_1", createdAt: 1_700_000_005, threadID: "thread_abc", status: "completed", role: "assistant",
        text: "서울은 맑아요 ☀️", assistantID: "asst_1", runID: "run_1")

    static let messageDelta = MessageDelta(messageID: "msg_1", text: "Hello, \"quoted\" / 세계 👋\n")

    static let error = APIErrorBody(
        message: "Rate limit reached", type: "rate_limit_error", param: nil, code: "rate_limit_exceeded")
}

@Suite("StreamEvent")
struct StreamEventTests {
    static let roundTripEvents: [StreamEvent] =
        [.threadCreated(Samples.thread)]
        + StreamEvent.runPhases.sorted().map { StreamEvent.run(phase: $0, Samples.run) }
        + StreamEvent.stepPhases.sorted().map { StreamEvent.runStep(phase: $0, Samples.toolStep) }
        + [.runStep(phase: "completed", Samples.messageStep), .runStepDelta(Samples.stepDelta)]
        + StreamEvent.messagePhases.sorted().map { StreamEvent.message(phase: $0, Samples.message) }
        + [
            .messageDelta(Samples.messageDelta), .error(Samples.error), .error(APIErrorBody(message: "bare")),
            .done, .unknown(name: "thread.run.step.exploded"), .unknown(name: "ping"),
        ]

    @Test(arguments: roundTripEvents)
    func roundTrip(event: StreamEvent) throws {
        let decoded = try StreamEvent.decode(name: event.name, data: event.dataText)
        #expect(decoded == event)
    }

    @Test func sseTextRoundTripsThroughParser() throws {
        var parser = SSEParser()
        let text = Self.roundTripEvents.map(\.sseText).joined()
        var decoded: [StreamEvent] = []
        for chunk in randomChunks(Array(text.utf8), seed: 7, maxChunk: 11) {
            for sse in try parser.feed(chunk) {
                decoded.append(try StreamEvent.decode(name: try #require(sse.event), data: sse.data))
            }
        }
        #expect(decoded == Self.roundTripEvents)
        #expect(!parser.isInsideEvent)
    }

    @Test func names() {
        #expect(StreamEvent.threadCreated(Samples.thread).name == "thread.created")
        #expect(StreamEvent.run(phase: "requires_action", Samples.run).name == "thread.run.requires_action")
        #expect(StreamEvent.runStep(phase: "created", Samples.toolStep).name == "thread.run.step.created")
        #expect(StreamEvent.runStepDelta(Samples.stepDelta).name == "thread.run.step.delta")
        #expect(StreamEvent.message(phase: "completed", Samples.message).name == "thread.message.completed")
        #expect(StreamEvent.messageDelta(Samples.messageDelta).name == "thread.message.delta")
        #expect(StreamEvent.error(Samples.error).name == "error")
        #expect(StreamEvent.done.name == "done")
    }

    @Test func errorDataIsWrapped() throws {
        let json = try JSONValue.parse(StreamEvent.error(Samples.error).dataText)
        #expect(json["error"]?["message"]?.stringValue == "Rate limit reached")
        #expect(json["error"]?["code"]?.stringValue == "rate_limit_exceeded")
    }

    /// The error object always has its four members, unset ones as `null`, as the SDKs expect.
    @Test func errorObjectCarriesParamAndCodeEvenWhenUnset() throws {
        let data = try WireCoding.encoder().encode(APIErrorBody(message: "No thread found.", type: "invalid_request_error"))
        let json = try JSONValue.parse(String(decoding: data, as: UTF8.self))
        #expect(json.objectValue?.keys.sorted() == ["code", "message", "param", "type"])
        #expect(json["param"] == .null && json["code"] == .null)
        #expect(APIErrorBody.decode(from: data) == APIErrorBody(message: "No thread found.", type: "invalid_request_error"))
    }

    // MARK: decoding hand-written, OpenAI-shaped payloads

    @Test func decodesThreadCreated() throws {
        let data = """
            {"id":"thread_abc123","object":"thread","created_at":1699014083,"metadata":{"user":"u1"},
             "tool_resources":{"code_interpreter":{"file_ids":[]}}}
            """
        let event = try StreamEvent.decode(name: "thread.created", data: data)
        #expect(event == .threadCreated(AssistantThread(id: "thread_abc123", createdAt: 1_699_014_083, metadata: ["user": "u1"])))
    }

    @Test(arguments: ["created", "queued", "in_progress", "completed", "cancelled", "failed", "expired"])
    func decodesRunPhases(phase: String) throws {
        let data = """
            {"id":"run_9","object":"thread.run","created_at":1699063290,"assistant_id":"asst_1",
             "thread_id":"thread_1","status":"\(phase)","started_at":null,"expires_at":1699063890,
             "cancelled_at":null,"failed_at":null,"completed_at":null,"required_action":null,
             "last_error":null,"model":"gpt-4o-mini","instructions":null,"tools":[],"metadata":{},
             "usage":null,"unknown_future_field":{"nested":[1,2,3]}}
            """
        let event = try StreamEvent.decode(name: "thread.run.\(phase)", data: data)
        guard case .run(let decodedPhase, let run) = event else {
            Issue.record("expected a run event, got \(event)")
            return
        }
        #expect(decodedPhase == phase)
        #expect(run.id == "run_9")
        #expect(run.status == RunStatus(phase))
        #expect(run.threadID == "thread_1")
        #expect(run.expiresAt == 1_699_063_890)
        #expect(run.requiredAction == nil)
        #expect(run.instructions == nil)
        #expect(run.model == "gpt-4o-mini")
    }

    @Test func decodesRunStepCreatedWithToolCalls() throws {
        let data = """
            {"id":"step_001","object":"thread.run.step","created_at":1710352449,"run_id":"run_abc",
             "assistant_id":"asst_abc","thread_id":"thread_abc","type":"tool_calls","status":"in_progress",
             "cancelled_at":null,"completed_at":null,"expired_at":null,"failed_at":null,"last_error":null,
             "step_details":{"type":"tool_calls","tool_calls":[{"id":"call_1","type":"function",
               "function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Seoul\\"}","output":null}}]},
             "usage":null,"metadata":{},"extra":true}
            """
        let event = try StreamEvent.decode(name: "thread.run.step.created", data: data)
        guard case .runStep(let phase, let step) = event else {
            Issue.record("expected a run step event, got \(event)")
            return
        }
        #expect(phase == "created")
        #expect(step.runID == "run_abc")
        #expect(step.type == "tool_calls")
        #expect(
            step.stepDetails.toolCalls == [
                ToolCall(id: "call_1", name: "get_current_weather", arguments: "{\"location\":\"Seoul\"}")
            ])
    }

    @Test func decodesRunStepCompletedWithMessageCreation() throws {
        let data = """
            {"id":"step_002","object":"thread.run.step","created_at":1710352450,"run_id":"run_abc",
             "assistant_id":"asst_abc","thread_id":"thread_abc","type":"message_creation","status":"completed",
             "completed_at":1710352460,"step_details":{"type":"message_creation",
             "message_creation":{"message_id":"msg_001"}},
             "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}
            """
        let event = try StreamEvent.decode(name: "thread.run.step.completed", data: data)
        guard case .runStep("completed", let step) = event else {
            Issue.record("expected a completed step, got \(event)")
            return
        }
        #expect(step.stepDetails.messageCreation?.messageID == "msg_001")
        #expect(step.usage == Usage(promptTokens: 5, completionTokens: 7))
        #expect(step.completedAt == 1_710_352_460)
    }

    @Test func decodesRunStepDelta() throws {
        let data = """
            {"id":"step_123","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls",
             "tool_calls":[{"index":1,"id":"call_XX","type":"function",
               "function":{"name":"get_rain","arguments":"{\\"ci","output":null}}]}}}
            """
        let event = try StreamEvent.decode(name: "thread.run.step.delta", data: data)
        let expected = RunStepDelta(
            stepID: "step_123",
            toolCalls: [ToolCallDelta(index: 1, id: "call_XX", function: .init(name: "get_rain", arguments: "{\"ci"))])
        #expect(event == .runStepDelta(expected))
    }

    @Test(arguments: ["created", "in_progress", "completed", "incomplete"])
    func decodesMessagePhases(phase: String) throws {
        let data = """
            {"id":"msg_001","object":"thread.message","created_at":1710348088,"assistant_id":"asst_abc",
             "thread_id":"thread_abc","run_id":"run_abc","status":"\(phase)","incomplete_details":null,
             "incomplete_at":null,"completed_at":null,"role":"assistant",
             "content":[{"type":"text","text":{"value":"Hi 안녕","annotations":[]}}],
             "attachments":[],"metadata":{}}
            """
        let event = try StreamEvent.decode(name: "thread.message.\(phase)", data: data)
        guard case .message(let decodedPhase, let message) = event else {
            Issue.record("expected a message event, got \(event)")
            return
        }
        #expect(decodedPhase == phase)
        #expect(message.status == MessageStatus(phase))
        #expect(message.text == "Hi 안녕")
        #expect(message.runID == "run_abc")
        #expect(message.role == "assistant")
    }

    @Test func decodesMessageDelta() throws {
        let data = """
            {"id":"msg_123","object":"thread.message.delta","delta":{"content":[
              {"index":0,"type":"text","text":{"value":"Hello","annotations":[]}},
              {"index":1,"type":"text","text":{"value":", 세계"}}]}}
            """
        let event = try StreamEvent.decode(name: "thread.message.delta", data: data)
        guard case .messageDelta(let delta) = event else {
            Issue.record("expected a message delta, got \(event)")
            return
        }
        #expect(delta.id == "msg_123")
        #expect(delta.text == "Hello, 세계")
    }

    @Test func decodesWrappedError() throws {
        let data = """
            {"error":{"message":"Rate limit reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}
            """
        #expect(try StreamEvent.decode(name: "error", data: data) == .error(Samples.error))
    }

    @Test func decodesBareError() throws {
        let data = #"{"message":"The server had an error","type":"server_error","code":null}"#
        let event = try StreamEvent.decode(name: "error", data: data)
        #expect(event == .error(APIErrorBody(message: "The server had an error", type: "server_error")))
    }

    @Test func decodesDone() throws {
        #expect(try StreamEvent.decode(name: "done", data: "[DONE]") == .done)
    }

    @Test(arguments: [
        "thread.run.step.exploded", "thread.run.unheard_of", "thread.message.vanished", "thread.updated",
        "thread.run.step.delta.extra", "ping", "",
    ])
    func unknownNamesGiveUnknown(name: String) throws {
        #expect(try StreamEvent.decode(name: name, data: "not json at all") == .unknown(name: name))
    }

    @Test(arguments: [
        "thread.created", "thread.run.created", "thread.run.requires_action", "thread.run.step.in_progress",
        "thread.run.step.delta", "thread.message.completed", "thread.message.delta", "error",
    ])
    func malformedJSONForKnownEventThrows(name: String) {
        #expect(throws: (any Error).self) { try StreamEvent.decode(name: name, data: "{\"id\": ") }
        #expect(throws: (any Error).self) { try StreamEvent.decode(name: name, data: "") }
    }

    @Test(arguments: ["thread.created", "thread.run.completed", "thread.message.created", "error"])
    func wellFormedButWrongShapeThrows(name: String) {
        #expect(throws: (any Error).self) { try StreamEvent.decode(name: name, data: #"{"unrelated":1}"#) }
    }
}
