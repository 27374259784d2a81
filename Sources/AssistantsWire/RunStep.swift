/// One step of a run: either creating a message or calling tools.
public struct RunStep: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread.run.step"
    public var createdAt: Int
    public var runID: String
    public var assistantID: String
    public var threadID: String
    public var type: String
    public var status: StepStatus
    public var stepDetails: StepDetails
    public var lastError: RunError?
    public var expiredAt: Int?
    public var cancelledAt: Int?
    public var failedAt: Int?
    public var completedAt: Int?
    public var metadata: [String: String]?
    public var usage: Usage?

    public init(
        id: String, createdAt: Int, runID: String, assistantID: String, threadID: String,
        status: StepStatus, details: StepDetails
    ) {
        self.id = id
        self.createdAt = createdAt
        self.runID = runID
        self.assistantID = assistantID
        self.threadID = threadID
        self.type = details.type
        self.status = status
        self.stepDetails = details
        self.metadata = [:]
    }

    enum CodingKeys: String, CodingKey {
        case id, object, type, status, metadata, usage
        case createdAt = "created_at"
        case runID = "run_id"
        case assistantID = "assistant_id"
        case threadID = "thread_id"
        case stepDetails = "step_details"
        case lastError = "last_error"
        case expiredAt = "expired_at"
        case cancelledAt = "cancelled_at"
        case failedAt = "failed_at"
        case completedAt = "completed_at"
    }
}

/// The body of a run step: the message it created or the tool calls it made.
public struct StepDetails: Codable, Sendable, Equatable {
    public var type: String
    public var messageCreation: MessageCreation?
    public var toolCalls: [ToolCall]?

    public struct MessageCreation: Codable, Sendable, Equatable {
        public var messageID: String

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
        }
    }

    public static func messageCreation(messageID: String) -> StepDetails {
        StepDetails(type: "message_creation", messageCreation: MessageCreation(messageID: messageID))
    }

    public static func toolCalls(_ calls: [ToolCall]) -> StepDetails {
        StepDetails(type: "tool_calls", toolCalls: calls)
    }

    enum CodingKeys: String, CodingKey {
        case type
        case messageCreation = "message_creation"
        case toolCalls = "tool_calls"
    }
}

/// A `thread.run.step.delta` payload: fragments of tool calls, merged by `index`.
public struct RunStepDelta: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread.run.step.delta"
    public var delta: Body

    public struct Body: Codable, Sendable, Equatable {
        public var stepDetails: Details?

        enum CodingKeys: String, CodingKey {
            case stepDetails = "step_details"
        }
    }

    public struct Details: Codable, Sendable, Equatable {
        public var type: String
        public var toolCalls: [ToolCallDelta]?

        enum CodingKeys: String, CodingKey {
            case type
            case toolCalls = "tool_calls"
        }
    }

    public init(stepID: String, toolCalls: [ToolCallDelta]) {
        self.id = stepID
        self.delta = Body(stepDetails: Details(type: "tool_calls", toolCalls: toolCalls))
    }
}

/// A fragment of a tool call inside a step delta; `index` says which call it extends.
public struct ToolCallDelta: Codable, Sendable, Equatable {
    public var index: Int
    public var id: String?
    public var type: String?
    public var function: Function?

    public struct Function: Codable, Sendable, Equatable {
        public var name: String?
        public var arguments: String?
        public var output: String?

        public init(name: String? = nil, arguments: String? = nil, output: String? = nil) {
            self.name = name
            self.arguments = arguments
            self.output = output
        }
    }

    public init(index: Int, id: String? = nil, function: Function?) {
        self.index = index
        self.id = id
        self.type = id == nil ? nil : "function"
        self.function = function
    }
}
