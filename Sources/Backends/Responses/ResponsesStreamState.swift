import ThreadlineCore

/// The state of one streamed response, folded from its events: a pure reducer that also says
/// which `RunEvent`s each event produces. Tested without any network.
struct ResponsesStreamState: Sendable, Equatable {
    /// The reply text streamed so far.
    private(set) var text = ""
    /// True once the response completed, failed or stopped; a stream ending before that was cut.
    private(set) var isSettled = false
    /// Function calls finished so far, by output index.
    private var calls: [Int: ToolCallRequest] = [:]
    /// Calls still streaming their arguments, by output index.
    private var openCalls: [Int: ToolCallRequest] = [:]
    /// Text streamed per message item, to fill in what a `done` event has beyond the deltas.
    private var streamedText: [String: String] = [:]

    init() {}

    /// Folds one event in; returns what the RunDriver should see. Unknown events give nothing,
    /// and so do events after the response settled (out of order).
    mutating func apply(_ event: ResponsesStreamEvent) -> [RunEvent] {
        guard !isSettled else { return [] }
        switch event.type {
        case "response.created":
            guard let response = event.response else { return [] }
            return [.started(runID: response.id)]
        case "response.output_item.added":
            if let item = event.item, item.type == "function_call", let index = event.outputIndex {
                openCalls[index] = ToolCallRequest(id: item.callID ?? item.id ?? "", name: item.name ?? "", arguments: item.arguments ?? "")
            }
            return []
        case "response.function_call_arguments.delta":
            if let index = event.outputIndex, let delta = event.delta { openCalls[index]?.arguments += delta }
            return []
        case "response.function_call_arguments.done":
            if let index = event.outputIndex, let arguments = event.arguments { openCalls[index]?.arguments = arguments }
            return []
        case "response.output_item.done":
            guard let item = event.item else { return [] }
            if item.type == "function_call" {
                let index = event.outputIndex ?? calls.count
                var call = openCalls.removeValue(forKey: index) ?? ToolCallRequest(id: "", name: "", arguments: "")
                call.id = item.callID ?? call.id
                call.name = item.name ?? call.name
                call.arguments = item.arguments ?? call.arguments
                calls[index] = call
            }
            return []
        case "response.output_text.delta":
            guard let delta = event.delta, !delta.isEmpty else { return [] }
            return appendText(delta, item: event.itemID)
        case "response.output_text.done":
            // Servers that skip deltas still send the whole text here.
            guard let full = event.text else { return [] }
            let streamed = streamedText[event.itemID ?? ""] ?? ""
            guard full.hasPrefix(streamed), full.count > streamed.count else { return [] }
            return appendText(String(full.dropFirst(streamed.count)), item: event.itemID)
        case "response.completed":
            return settle(event.response, outcome: nil)
        case "response.incomplete":
            let reason = event.response?.incompleteDetails?.reason ?? "unknown reason"
            return settle(event.response, outcome: .incomplete(reason))
        case "response.failed":
            let reason = event.response?.error?.line ?? "unknown error"
            return settle(event.response, outcome: .failed(reason.isEmpty ? "unknown error" : reason))
        case "error":
            let body = event.error ?? ResponseError(code: event.code, message: event.message)
            isSettled = true
            return [.finished(.failed(body.line.isEmpty ? "the server reported an error" : body.line))]
        default:
            return []
        }
    }

    /// The function calls the response asked for, in output order.
    var toolCalls: [ToolCallRequest] {
        calls.sorted { $0.key < $1.key }.map(\.value)
    }

    private mutating func appendText(_ delta: String, item: String?) -> [RunEvent] {
        text += delta
        streamedText[item ?? "", default: ""] += delta
        return [.textDelta(delta)]
    }

    private mutating func settle(_ response: ResponseObject?, outcome: RunOutcome?) -> [RunEvent] {
        isSettled = true
        var events: [RunEvent] = []
        if let reported = response?.usage {
            events.append(.usage(TokenUsage(inputTokens: reported.inputTokens, outputTokens: reported.outputTokens)))
        }
        if let outcome { return events + [.finished(outcome)] }
        if calls.isEmpty, let output = response?.output {
            // Calls the stream did not announce item by item.
            for (index, item) in output.enumerated() where item.type == "function_call" {
                calls[index] = ToolCallRequest(id: item.callID ?? item.id ?? "", name: item.name ?? "", arguments: item.arguments ?? "")
            }
        }
        return events + [toolCalls.isEmpty ? .finished(.completed) : .toolCallsRequired(toolCalls)]
    }
}
