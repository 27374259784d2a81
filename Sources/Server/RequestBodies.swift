import AssistantsWire
import ThreadlineCore

/// The message content a request may carry: a string, or text parts.
struct MessageContentInput: Decodable, Equatable {
    var text: String

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.text = text
            return
        }
        struct Part: Decodable {
            var type: String
            var text: String?
        }
        let parts = try decoder.singleValueContainer().decode([Part].self)
        if let other = parts.first(where: { $0.type != "text" || $0.text == nil }) {
            throw APIFailure.invalid(
                "Content parts of type '\(other.type)' are not supported; send text.", param: "content")
        }
        text = parts.compactMap(\.text).joined(separator: "\n")
    }
}

/// The body of `POST /threads/{id}/messages`, and each of `messages` / `additional_messages`.
struct CreateMessageBody: Decodable {
    var role: String
    var content: MessageContentInput
    var metadata: [String: String]?
}

/// The body of `POST /threads` (and the `thread` of `POST /threads/runs`).
struct CreateThreadBody: Decodable {
    var messages: [CreateMessageBody]?
    var metadata: [String: String]?
}

/// The body of `POST /threads/{id}` and `POST /threads/{id}/runs/{id}`.
struct MetadataBody: Decodable {
    var metadata: [String: String]?
}

/// The body of `POST /assistants/{id}`: every field optional.
struct UpdateAssistantBody: Decodable {
    var model: String?
    var name: String?
    var description: String?
    var instructions: String?
    var tools: [ToolDefinition]?
    var metadata: [String: String]?
}

/// The run fields of `POST /threads/{id}/runs` and `POST /threads/runs`.
struct CreateRunBody: Decodable {
    var assistantID: String
    var model: String?
    var instructions: String?
    var additionalInstructions: String?
    var additionalMessages: [CreateMessageBody]?
    var tools: [ToolDefinition]?
    var toolChoice: JSONValue?
    var parallelToolCalls: Bool?
    var metadata: [String: String]?
    var stream: Bool?
    /// Only in `POST /threads/runs`.
    var thread: CreateThreadBody?

    enum CodingKeys: String, CodingKey {
        case model, instructions, tools, metadata, stream, thread
        case assistantID = "assistant_id"
        case additionalInstructions = "additional_instructions"
        case additionalMessages = "additional_messages"
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
    }
}

/// The body of `POST /threads/{id}/runs/{id}/submit_tool_outputs`.
struct SubmitToolOutputsBody: Decodable {
    var toolOutputs: [ToolOutput]
    var stream: Bool?

    enum CodingKeys: String, CodingKey {
        case stream
        case toolOutputs = "tool_outputs"
    }
}

/// What a delete answers.
struct DeletionStatus: Encodable {
    var id: String
    var object: String
    var deleted = true
}
