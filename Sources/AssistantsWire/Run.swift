import ThreadlineCore

/// An execution of an assistant on a thread.
public struct Run: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread.run"
    public var createdAt: Int
    public var threadID: String
    public var assistantID: String
    public var status: RunStatus
    public var requiredAction: RequiredAction?
    public var lastError: RunError?
    public var expiresAt: Int?
    public var startedAt: Int?
    public var cancelledAt: Int?
    public var failedAt: Int?
    public var completedAt: Int?
    public var incompleteDetails: IncompleteDetails?
    public var model: String
    public var instructions: String?
    public var tools: [ToolDefinition]
    public var metadata: [String: String]?
    public var usage: Usage?
    public var temperature: Double?
    public var topP: Double?
    public var parallelToolCalls: Bool?
    public var toolChoice: JSONValue?
    public var responseFormat: JSONValue?
    public var truncationStrategy: JSONValue?
    public var maxPromptTokens: Int?
    public var maxCompletionTokens: Int?

    public init(
        id: String, createdAt: Int, threadID: String, assistantID: String, status: RunStatus,
        model: String, instructions: String?, tools: [ToolDefinition], expiresAt: Int?
    ) {
        self.id = id
        self.createdAt = createdAt
        self.threadID = threadID
        self.assistantID = assistantID
        self.status = status
        self.model = model
        self.instructions = instructions
        self.tools = tools
        self.expiresAt = expiresAt
        self.metadata = [:]
        self.parallelToolCalls = true
        self.toolChoice = .string("auto")
        self.responseFormat = .string("auto")
        self.truncationStrategy = .object(["type": .string("auto"), "last_messages": .null])
    }

    enum CodingKeys: String, CodingKey {
        case id, object, status, model, instructions, tools, metadata, usage, temperature
        case createdAt = "created_at"
        case threadID = "thread_id"
        case assistantID = "assistant_id"
        case requiredAction = "required_action"
        case lastError = "last_error"
        case expiresAt = "expires_at"
        case startedAt = "started_at"
        case cancelledAt = "cancelled_at"
        case failedAt = "failed_at"
        case completedAt = "completed_at"
        case incompleteDetails = "incomplete_details"
        case topP = "top_p"
        case parallelToolCalls = "parallel_tool_calls"
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
        case truncationStrategy = "truncation_strategy"
        case maxPromptTokens = "max_prompt_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    public func encode(to encoder: any Encoder) throws {
        // Nulls are written out: the API reference shows every field, and SDKs expect them.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(object, forKey: .object)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(threadID, forKey: .threadID)
        try c.encode(assistantID, forKey: .assistantID)
        try c.encode(status, forKey: .status)
        try c.encode(requiredAction, forKey: .requiredAction)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(cancelledAt, forKey: .cancelledAt)
        try c.encode(failedAt, forKey: .failedAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encode(incompleteDetails, forKey: .incompleteDetails)
        try c.encode(model, forKey: .model)
        try c.encode(instructions, forKey: .instructions)
        try c.encode(tools, forKey: .tools)
        try c.encode(metadata ?? [:], forKey: .metadata)
        try c.encode(usage, forKey: .usage)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(topP, forKey: .topP)
        try c.encode(parallelToolCalls, forKey: .parallelToolCalls)
        try c.encode(toolChoice, forKey: .toolChoice)
        try c.encode(responseFormat, forKey: .responseFormat)
        try c.encode(truncationStrategy, forKey: .truncationStrategy)
        try c.encode(maxPromptTokens, forKey: .maxPromptTokens)
        try c.encode(maxCompletionTokens, forKey: .maxCompletionTokens)
    }
}

/// What a run in `requires_action` waits for.
public struct RequiredAction: Codable, Sendable, Equatable {
    public var type: String
    public var submitToolOutputs: SubmitToolOutputs

    public struct SubmitToolOutputs: Codable, Sendable, Equatable {
        public var toolCalls: [ToolCall]

        enum CodingKeys: String, CodingKey {
            case toolCalls = "tool_calls"
        }
    }

    public init(toolCalls: [ToolCall]) {
        self.type = "submit_tool_outputs"
        self.submitToolOutputs = SubmitToolOutputs(toolCalls: toolCalls)
    }

    enum CodingKeys: String, CodingKey {
        case type
        case submitToolOutputs = "submit_tool_outputs"
    }
}

/// Why a run or step failed.
public struct RunError: Codable, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
