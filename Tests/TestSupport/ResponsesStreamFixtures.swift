import AssistantsWire
import ThreadlineCore

/// Streams shaped like OpenAI's `POST /responses` with `stream: true`: the event names, fields
/// and order its API reference documents (lifecycle events, items, content parts, deltas).
public struct ResponsesStreamFixture: Sendable {
    public var responseID: String
    public var model = "gpt-4o-2024-08-06"
    private var sequence = 0
    private var events: [String] = []

    public init(responseID: String) {
        self.responseID = responseID
    }

    /// One framed event: `event:` line, `data:` line with the JSON, blank line.
    private mutating func emit(_ type: String, _ fields: String) {
        events.append("event: \(type)\ndata: {\"type\":\"\(type)\",\"sequence_number\":\(sequence),\(fields)}\n\n")
        sequence += 1
    }

    private func response(status: String, output: [String], extra: String = "") -> String {
        #"{"id":"\#(responseID)","object":"response","created_at":1764086400,"status":"\#(status)","model":"\#(model)","output":[\#(output.joined(separator: ","))],"parallel_tool_calls":true,"tool_choice":"auto"\#(extra)}"#
    }

    private static func usageJSON(_ input: Int, _ output: Int) -> String {
        #","usage":{"input_tokens":\#(input),"input_tokens_details":{"cached_tokens":0},"output_tokens":\#(output),"output_tokens_details":{"reasoning_tokens":0},"total_tokens":\#(input + output)}"#
    }

    private static func messageItem(_ id: String, _ text: String, status: String) -> String {
        let content = status == "in_progress" ? "" : #"{"type":"output_text","text":\#(WireCoding.jsonText(text)),"annotations":[]}"#
        return #"{"id":"\#(id)","type":"message","status":"\#(status)","role":"assistant","content":[\#(content)]}"#
    }

    private static func callItem(_ id: String, _ call: ToolCallRequest, status: String) -> String {
        let arguments = status == "in_progress" ? "" : call.arguments
        return
            #"{"id":"\#(id)","type":"function_call","status":"\#(status)","arguments":\#(WireCoding.jsonText(arguments)),"call_id":"\#(call.id)","name":"\#(call.name)"}"#
    }

    /// A reply written in `deltas`, then `response.completed` with the usage.
    public static func text(_ deltas: [String], responseID: String = "resp_text", usage: (Int, Int) = (42, 7)) -> [String] {
        var fixture = ResponsesStreamFixture(responseID: responseID)
        fixture.start()
        let item = fixture.message(deltas, index: 0)
        fixture.emit(
            "response.completed",
            #""response":\#(fixture.response(status: "completed", output: [item], extra: usageJSON(usage.0, usage.1)))"#)
        return fixture.events
    }

    /// Parallel function calls, each item streaming its arguments in two deltas.
    public static func calls(_ calls: [ToolCallRequest], responseID: String = "resp_calls", usage: (Int, Int) = (80, 30)) -> [String] {
        var fixture = ResponsesStreamFixture(responseID: responseID)
        fixture.start()
        var items: [String] = []
        for (index, call) in calls.enumerated() {
            let id = "fc_\(responseID)_\(index)"
            fixture.emit("response.output_item.added", #""output_index":\#(index),"item":\#(callItem(id, call, status: "in_progress"))"#)
            let cut = call.arguments.index(call.arguments.startIndex, offsetBy: call.arguments.count / 2)
            for piece in [String(call.arguments[..<cut]), String(call.arguments[cut...])] {
                fixture.emit(
                    "response.function_call_arguments.delta",
                    #""item_id":"\#(id)","output_index":\#(index),"delta":\#(WireCoding.jsonText(piece))"#)
            }
            fixture.emit(
                "response.function_call_arguments.done",
                #""item_id":"\#(id)","output_index":\#(index),"arguments":\#(WireCoding.jsonText(call.arguments))"#)
            let done = callItem(id, call, status: "completed")
            fixture.emit("response.output_item.done", #""output_index":\#(index),"item":\#(done)"#)
            items.append(done)
        }
        fixture.emit(
            "response.completed",
            #""response":\#(fixture.response(status: "completed", output: items, extra: usageJSON(usage.0, usage.1)))"#)
        return fixture.events
    }

    /// Some text, then `response.failed` with an error.
    public static func failed(after deltas: [String], code: String, message: String, responseID: String = "resp_failed") -> [String] {
        var fixture = ResponsesStreamFixture(responseID: responseID)
        fixture.start()
        _ = fixture.message(deltas, index: 0, finished: false)
        let error = #","error":{"code":"\#(code)","message":\#(WireCoding.jsonText(message))}"#
        fixture.emit("response.failed", #""response":\#(fixture.response(status: "failed", output: [], extra: error))"#)
        return fixture.events
    }

    /// Some text, then `response.incomplete` for `reason`.
    public static func incomplete(after deltas: [String], reason: String, responseID: String = "resp_incomplete") -> [String] {
        var fixture = ResponsesStreamFixture(responseID: responseID)
        fixture.start()
        let item = fixture.message(deltas, index: 0)
        let extra = #","incomplete_details":{"reason":"\#(reason)"}"# + usageJSON(50, 16)
        fixture.emit("response.incomplete", #""response":\#(fixture.response(status: "incomplete", output: [item], extra: extra))"#)
        return fixture.events
    }

    /// The events of a stream cut off: created, then the first deltas only.
    public static func truncated(after deltas: [String], responseID: String = "resp_cut") -> [String] {
        var fixture = ResponsesStreamFixture(responseID: responseID)
        fixture.start()
        _ = fixture.message(deltas, index: 0, finished: false)
        return fixture.events
    }

    private mutating func start() {
        emit("response.created", #""response":\#(response(status: "in_progress", output: [], extra: #","usage":null"#))"#)
        emit("response.in_progress", #""response":\#(response(status: "in_progress", output: [], extra: #","usage":null"#))"#)
    }

    /// A message item streamed in `deltas`; returns the finished item's JSON.
    private mutating func message(_ deltas: [String], index: Int, finished: Bool = true) -> String {
        let id = "msg_\(responseID)_\(index)"
        let text = deltas.joined()
        emit("response.output_item.added", #""output_index":\#(index),"item":\#(Self.messageItem(id, "", status: "in_progress"))"#)
        emit(
            "response.content_part.added",
            #""item_id":"\#(id)","output_index":\#(index),"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}"#)
        for delta in deltas {
            emit(
                "response.output_text.delta",
                #""item_id":"\#(id)","output_index":\#(index),"content_index":0,"delta":\#(WireCoding.jsonText(delta)),"logprobs":[]"#)
        }
        let item = Self.messageItem(id, text, status: "completed")
        guard finished else { return item }
        emit(
            "response.output_text.done",
            #""item_id":"\#(id)","output_index":\#(index),"content_index":0,"text":\#(WireCoding.jsonText(text)),"logprobs":[]"#)
        emit(
            "response.content_part.done",
            #""item_id":"\#(id)","output_index":\#(index),"content_index":0,"part":{"type":"output_text","text":\#(WireCoding.jsonText(text)),"annotations":[]}"#
        )
        emit("response.output_item.done", #""output_index":\#(index),"item":\#(item)"#)
        return item
    }
}
