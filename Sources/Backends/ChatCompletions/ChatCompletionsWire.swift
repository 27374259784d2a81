import AssistantsWire

/// The body of a streamed `POST /chat/completions`.
struct ChatCompletionRequest: Encodable, Sendable {
    var model: String
    var messages: [ChatMessage]
    /// Nil when there are none: some servers refuse an empty array.
    var tools: [ChatTool]?
    /// Sent only when false (the run asked for one call per step): not every server knows it.
    var parallelToolCalls: Bool?
    var stream = true
    var streamOptions = StreamOptions()

    struct StreamOptions: Encodable, Sendable {
        /// Asks for a last chunk holding the token counts.
        var includeUsage = true

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, tools, stream
        case streamOptions = "stream_options"
        case parallelToolCalls = "parallel_tool_calls"
    }

    /// The conversation of `request` as Chat Completions messages: the instructions become the
    /// system message; each tool step is an assistant message with `tool_calls` followed by one
    /// `tool` message per call.
    init(_ request: ModelRequest) {
        model = request.model
        var messages: [ChatMessage] = []
        if !request.instructions.isEmpty { messages.append(ChatMessage(role: "system", content: request.instructions)) }
        for turn in request.turns {
            switch turn {
            case .user(let text): messages.append(ChatMessage(role: "user", content: text))
            case .assistant(let text): messages.append(ChatMessage(role: "assistant", content: text))
            case .toolCalls(let calls):
                messages.append(
                    ChatMessage(
                        role: "assistant", content: nil,
                        toolCalls: calls.map { ChatToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments) }))
                for call in calls {
                    messages.append(ChatMessage(role: "tool", content: call.function.output ?? "", toolCallID: call.id))
                }
            }
        }
        self.messages = messages
        tools = request.tools.isEmpty ? nil : request.tools.map { ChatTool(function: $0) }
        parallelToolCalls = tools != nil && !request.parallelToolCalls ? false : nil
    }
}

/// One message of a Chat Completions conversation.
struct ChatMessage: Encodable, Sendable, Equatable {
    var role: String
    var content: String?
    var toolCalls: [ChatToolCall]?
    var toolCallID: String?

    enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }
}

/// A call the assistant made, as sent back in the conversation.
struct ChatToolCall: Encodable, Sendable, Equatable {
    var id: String
    var type = "function"
    var function: FunctionCall

    init(id: String, name: String, arguments: String) {
        self.id = id
        self.function = FunctionCall(name: name, arguments: arguments)
    }
}

/// A function tool in Chat Completions form (nested under `function`).
struct ChatTool: Encodable, Sendable, Equatable {
    var type = "function"
    var function: FunctionDefinition
}

/// One `chat.completion.chunk` of a stream (or an error object some servers send mid-stream).
struct ChatCompletionChunk: Decodable, Sendable, Equatable {
    var choices: [Choice]?
    var usage: ChunkUsage?
    var error: APIErrorBody?

    struct Choice: Decodable, Sendable, Equatable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable, Sendable, Equatable {
        var content: String?
        var toolCalls: [ToolCallFragment]?

        enum CodingKeys: String, CodingKey {
            case content
            case toolCalls = "tool_calls"
        }
    }

    /// A piece of one call; `index` says which call the pieces belong to.
    struct ToolCallFragment: Decodable, Sendable, Equatable {
        var index: Int?
        var id: String?
        var function: FunctionFragment?
    }

    struct FunctionFragment: Decodable, Sendable, Equatable {
        var name: String?
        var arguments: String?
    }

    struct ChunkUsage: Decodable, Sendable, Equatable {
        var promptTokens: Int
        var completionTokens: Int

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
}
