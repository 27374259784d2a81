import ThreadlineCore

/// An assistant: model, instructions and tools that runs use unless they override them.
public struct Assistant: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "assistant"
    public var createdAt: Int
    public var name: String?
    public var description: String?
    public var model: String
    public var instructions: String?
    public var tools: [ToolDefinition]
    public var metadata: [String: String]
    public var temperature: Double?
    public var topP: Double?

    public init(
        id: String, createdAt: Int, name: String? = nil, description: String? = nil,
        model: String, instructions: String?, tools: [ToolDefinition],
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.createdAt = createdAt
        self.name = name
        self.description = description
        self.model = model
        self.instructions = instructions
        self.tools = tools
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, object, name, description, model, instructions, tools, metadata, temperature
        case createdAt = "created_at"
        case topP = "top_p"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        createdAt = try c.decodeIfPresent(Int.self, forKey: .createdAt) ?? 0
        name = try c.decodeIfPresent(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        model = try c.decode(String.self, forKey: .model)
        instructions = try c.decodeIfPresent(String.self, forKey: .instructions)
        tools = try c.decodeIfPresent([ToolDefinition].self, forKey: .tools) ?? []
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
    }
}

/// A conversation thread: an ordered list of messages that runs append to.
public struct AssistantThread: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread"
    public var createdAt: Int
    public var metadata: [String: String]

    public init(id: String, createdAt: Int, metadata: [String: String] = [:]) {
        self.id = id
        self.createdAt = createdAt
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, object, metadata
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        createdAt = try c.decodeIfPresent(Int.self, forKey: .createdAt) ?? 0
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }
}

/// Token counts of a run or run step.
public struct Usage: Codable, Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = promptTokens.saturatingAdding(completionTokens)
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}

/// The body of `POST /assistants`; also the format of `config/assistant.json`.
public struct AssistantParameters: Codable, Sendable, Equatable {
    public var model: String
    public var name: String?
    public var description: String?
    public var instructions: String?
    public var tools: [ToolDefinition]?
    public var metadata: [String: String]?

    public init(model: String, name: String? = nil, instructions: String?, tools: [ToolDefinition]) {
        self.model = model
        self.name = name
        self.instructions = instructions
        self.tools = tools
    }

    /// The function tools, in order.
    public var functions: [FunctionDefinition] { (tools ?? []).compactMap(\.function) }
}
