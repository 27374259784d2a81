import Foundation

/// A stored conversation as the REPL lists it.
public struct ThreadSummary: Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    /// The first user line, or nil for an empty thread.
    public var title: String?

    public init(id: String, createdAt: Date, title: String?) {
        self.id = id
        self.createdAt = createdAt
        self.title = title
    }
}

/// One entry of a thread's transcript, for `/history`, `threads show` and resuming.
public struct TranscriptEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case user
        case assistant
        /// A tool call with its output (nil while none was submitted).
        case toolCall(name: String, arguments: String, output: String?)
    }

    public var kind: Kind
    public var text: String
    /// True when the reply was cut short (cancelled, incomplete or failed).
    public var isPartial: Bool

    public init(kind: Kind, text: String, isPartial: Bool = false) {
        self.kind = kind
        self.text = text
        self.isPartial = isPartial
    }
}

/// Overrides for one run, built by the session from its slash-command state.
public struct RunOptions: Sendable, Equatable {
    /// Replaces the assistant's instructions for this run.
    public var instructions: String?
    /// Appended to the instructions for this run.
    public var additionalInstructions: String?
    public var model: String?

    public init(instructions: String? = nil, additionalInstructions: String? = nil, model: String? = nil) {
        self.instructions = instructions
        self.additionalInstructions = additionalInstructions
        self.model = model
    }
}

/// What describes a backend to the user (`/show`, the banner).
public struct BackendDescription: Sendable, Equatable {
    public var name: String
    public var model: String
    /// A short note such as "offline demo model" or the base URL.
    public var detail: String

    public init(name: String, model: String, detail: String) {
        self.name = name
        self.model = model
        self.detail = detail
    }
}

/// Errors every backend may raise for the session to show as one line.
public enum BackendError: Error, Equatable, CustomStringConvertible {
    case threadNotFound(String)
    case runNotFound(String)
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .threadNotFound(let id): "no thread with id \(id)"
        case .runNotFound(let id): "no run with id \(id)"
        case .invalidRequest(let message): message
        }
    }
}

/// A conversation service: stores threads and streams runs. Backends translate their protocol
/// into `RunEvent`s; the tool loop lives in `RunDriver`, not here.
public protocol ChatBackend: Sendable {
    func describe() async -> BackendDescription
    func createThread() async throws -> ThreadSummary
    /// The thread with `id`; throws `BackendError.threadNotFound`.
    func thread(id: String) async throws -> ThreadSummary
    /// Threads, most recently used first.
    func listThreads(limit: Int) async throws -> [ThreadSummary]
    func deleteThread(id: String) async throws
    func transcript(threadID: String) async throws -> [TranscriptEntry]
    func appendUserMessage(_ text: String, threadID: String) async throws
    func streamRun(threadID: String, options: RunOptions) async throws -> AsyncThrowingStream<RunEvent, any Error>
    func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error>
    func cancelRun(threadID: String, runID: String) async throws
    /// Changes the model used by following runs.
    func setModel(_ model: String) async
}
