import ThreadlineCore

/// A message in a thread. Only text content is produced; other content parts decode and are kept.
public struct Message: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread.message"
    public var createdAt: Int
    public var threadID: String
    public var status: MessageStatus?
    public var completedAt: Int?
    public var incompleteAt: Int?
    public var incompleteDetails: IncompleteDetails?
    public var role: String
    public var content: [MessageContent]
    public var assistantID: String?
    public var runID: String?
    public var attachments: [JSONValue]?
    public var metadata: [String: String]?

    public init(
        id: String, createdAt: Int, threadID: String, status: MessageStatus?, role: String, text: String,
        assistantID: String? = nil, runID: String? = nil, metadata: [String: String] = [:]
    ) {
        self.id = id
        self.createdAt = createdAt
        self.threadID = threadID
        self.status = status
        self.role = role
        self.content = [MessageContent(text: text)]
        self.assistantID = assistantID
        self.runID = runID
        self.attachments = []
        self.metadata = metadata
    }

    /// All text parts joined.
    public var text: String {
        content.compactMap(\.text?.value).joined()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, status, role, content, attachments, metadata
        case createdAt = "created_at"
        case threadID = "thread_id"
        case completedAt = "completed_at"
        case incompleteAt = "incomplete_at"
        case incompleteDetails = "incomplete_details"
        case assistantID = "assistant_id"
        case runID = "run_id"
    }
}

/// One content part of a message.
public struct MessageContent: Codable, Sendable, Equatable {
    public var type: String
    public var text: TextContent?

    public init(text: String) {
        self.type = "text"
        self.text = TextContent(value: text, annotations: [])
    }
}

/// Text with its annotations (file citations are passed through, not interpreted).
public struct TextContent: Codable, Sendable, Equatable {
    public var value: String
    public var annotations: [JSONValue]?
}

/// Why a run or message stopped early.
public struct IncompleteDetails: Codable, Sendable, Equatable {
    public var reason: String?

    public init(reason: String?) { self.reason = reason }
}

/// A `thread.message.delta` payload: new text for the message `id`.
public struct MessageDelta: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "thread.message.delta"
    public var delta: Body

    public struct Body: Codable, Sendable, Equatable {
        public var role: String?
        public var content: [ContentDelta]?
    }

    public struct ContentDelta: Codable, Sendable, Equatable {
        public var index: Int
        public var type: String
        public var text: TextDelta?
    }

    public struct TextDelta: Codable, Sendable, Equatable {
        public var value: String?
        public var annotations: [JSONValue]?
    }

    public init(messageID: String, text: String) {
        self.id = messageID
        self.delta = Body(
            role: nil,
            content: [ContentDelta(index: 0, type: "text", text: TextDelta(value: text, annotations: []))])
    }

    /// The text this delta adds.
    public var text: String {
        (delta.content ?? []).compactMap(\.text?.value).joined()
    }
}
