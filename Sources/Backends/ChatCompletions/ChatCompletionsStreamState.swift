import AssistantsWire

/// The state of one streamed chat completion, folded chunk by chunk: text goes out as it
/// comes, tool calls are assembled from their pieces by `index` and go out together at the end.
/// A pure reducer, tested without any network.
struct ChatCompletionsStreamState: Sendable, Equatable {
    private var calls = ToolCallAssembler()
    private(set) var finishReason: String?
    /// True after `data: [DONE]`.
    private(set) var sawDone = false

    init() {}

    /// True when the stream said it was over; ending without it means the connection broke.
    var isSettled: Bool { sawDone || finishReason != nil }

    /// Folds one chunk in; returns the text and usage to stream now. Text and calls after the
    /// finish reason are out of order and ignored (usage legitimately comes after it).
    mutating func apply(_ chunk: ChatCompletionChunk) -> [ModelOutput] {
        var outputs: [ModelOutput] = []
        // Only the first choice is used: Threadline never asks for more than one.
        if let choice = chunk.choices?.first, finishReason == nil {
            if let text = choice.delta?.content, !text.isEmpty { outputs.append(.textDelta(text)) }
            for (position, fragment) in (choice.delta?.toolCalls ?? []).enumerated() {
                add(fragment, position: position)
            }
            if let reason = choice.finishReason { finishReason = reason }
        }
        if let usage = chunk.usage {
            outputs.append(.usage(Usage(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens)))
        }
        return outputs
    }

    mutating func markDone() { sawDone = true }

    /// What the stream ends with: the assembled calls in index order, or why the reply stopped early.
    func finish() -> [ModelOutput] {
        switch finishReason {
        case "length": return [.incomplete(reason: "the model hit its output token limit (finish_reason: length)")]
        case "content_filter": return [.incomplete(reason: "the content filter stopped the reply (finish_reason: content_filter)")]
        default:
            return calls.toolCalls.filter { !$0.function.name.isEmpty }
                .map {
                    .toolCall(
                        name: $0.function.name, arguments: $0.function.arguments.isEmpty ? "{}" : $0.function.arguments,
                        id: $0.id.isEmpty ? nil : $0.id)
                }
        }
    }

    /// Servers that omit `index` send each call whole: a new id starts a new call.
    private mutating func add(_ fragment: ChatCompletionChunk.ToolCallFragment, position: Int) {
        let index: Int
        if let given = fragment.index {
            index = given
        } else if let id = fragment.id, !id.isEmpty {
            index = calls.index(ofCallWithID: id) ?? calls.count
        } else {
            index = max(calls.count - 1, position)
        }
        calls.apply(
            ToolCallDelta(
                index: index, id: fragment.id,
                function: .init(name: fragment.function?.name, arguments: fragment.function?.arguments)))
    }
}
