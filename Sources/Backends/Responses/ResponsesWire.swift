import AssistantsWire
import ThreadlineCore

/// The body of `POST /responses` as Threadline sends it: always streamed, always in a conversation.
struct CreateResponse: Encodable, Sendable {
    var model: String
    var conversation: String
    var input: [InputItem]
    var instructions: String?
    var tools: [ResponsesFunctionTool]
    var stream = true

    enum CodingKeys: String, CodingKey {
        case model, conversation, input, instructions, tools, stream
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(input, forKey: .input)
        try container.encodeIfPresent(instructions, forKey: .instructions)
        // An empty tools array is refused by some servers; leave it out instead.
        if !tools.isEmpty { try container.encode(tools, forKey: .tools) }
        try container.encode(stream, forKey: .stream)
    }
}

/// A function tool in Responses form: flat, not nested under `function`.
struct ResponsesFunctionTool: Encodable, Sendable, Equatable {
    var type = "function"
    var name: String
    var description: String?
    var parameters: JSONValue?
    /// Responses defaults to strict schemas, which the seed's optional arguments do not satisfy.
    var strict: Bool

    init(_ function: FunctionDefinition) {
        name = function.name
        description = function.description
        parameters = function.parameters ?? .object(["type": .string("object"), "properties": .object([:])])
        strict = function.strict ?? false
    }
}

/// An item of a conversation or of a response's input/output: a message, a function call or
/// a function call's output. Other item types keep only `type` and `id`.
struct ResponseItem: Codable, Sendable, Equatable {
    var id: String?
    var type: String
    var status: String?
    var role: String?
    var content: [ContentPart]?
    var callID: String?
    var name: String?
    var arguments: String?
    /// A string, or (newer servers) an array of content parts.
    var output: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, type, status, role, content, name, arguments, output
        case callID = "call_id"
    }

    init(
        id: String? = nil, type: String, status: String? = nil, role: String? = nil, content: [ContentPart]? = nil,
        callID: String? = nil, name: String? = nil, arguments: String? = nil, output: JSONValue? = nil
    ) {
        self.id = id
        self.type = type
        self.status = status
        self.role = role
        self.content = content
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.output = output
    }

    /// The text of a message's text parts.
    var text: String { (content ?? []).compactMap(\.text).joined() }

    /// A function call output as text.
    var outputText: String? { output.map { $0.stringValue ?? $0.jsonText } }
}

/// An item Threadline sends: a plain-text message (the "easy input message" form every role
/// accepts, including an assistant's earlier reply) or the output of a function call.
enum InputItem: Encodable, Sendable, Equatable {
    case message(role: String, text: String)
    case functionCallOutput(callID: String, output: String)

    private enum CodingKeys: String, CodingKey {
        case type, role, content, output
        case callID = "call_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .message(let role, let text):
            try container.encode("message", forKey: .type)
            try container.encode(role, forKey: .role)
            try container.encode(text, forKey: .content)
        case .functionCallOutput(let callID, let output):
            try container.encode("function_call_output", forKey: .type)
            try container.encode(callID, forKey: .callID)
            try container.encode(output, forKey: .output)
        }
    }
}

/// One part of a message's content (`input_text`, `output_text`, `refusal`, ...).
struct ContentPart: Codable, Sendable, Equatable {
    var type: String
    var text: String?
}

/// A response object as the stream's lifecycle events carry it.
struct ResponseObject: Decodable, Sendable, Equatable {
    var id: String
    var status: String?
    var output: [ResponseItem]?
    var usage: ResponseUsage?
    var error: ResponseError?
    var incompleteDetails: IncompleteReason?

    struct IncompleteReason: Decodable, Sendable, Equatable {
        var reason: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, status, output, usage, error
        case incompleteDetails = "incomplete_details"
    }
}

/// Token counts of one response.
struct ResponseUsage: Decodable, Sendable, Equatable {
    var inputTokens: Int
    var outputTokens: Int

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
    }
}

/// Why a response failed, or the payload of an `error` event.
struct ResponseError: Decodable, Sendable, Equatable {
    var code: String?
    var message: String?

    var line: String { [code, message].compactMap { $0 }.joined(separator: ": ") }
}

/// One server-sent event of a streamed response; only the fields Threadline uses, all optional
/// but `type`, since each event type carries a different subset.
struct ResponsesStreamEvent: Decodable, Sendable, Equatable {
    var type: String
    var response: ResponseObject?
    var item: ResponseItem?
    var outputIndex: Int?
    var itemID: String?
    var delta: String?
    var text: String?
    var arguments: String?
    /// `error` events carry `code` and `message` at the top level (some servers nest them in `error`).
    var code: String?
    var message: String?
    var error: ResponseError?

    enum CodingKeys: String, CodingKey {
        case type, response, item, delta, text, arguments, code, message, error
        case outputIndex = "output_index"
        case itemID = "item_id"
    }
}

/// A conversation object (`POST /conversations`, `GET /conversations/{id}`).
struct Conversation: Decodable, Sendable {
    var id: String
    var createdAt: Int

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
    }
}
