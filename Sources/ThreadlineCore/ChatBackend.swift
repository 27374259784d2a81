import Foundation

/// A stored conversation as the REPL lists it.
public struct ThreadSummary: Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    /// When its last message was added; its creation when that is not known.
    public var lastUsedAt: Date
    /// The first user line, or nil for an empty thread.
    public var title: String?

    public init(id: String, createdAt: Date, title: String?, lastUsedAt: Date? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.title = title
        self.lastUsedAt = lastUsedAt ?? createdAt
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
    /// Another process runs `runID` on the thread; the message was not added.
    case threadBusy(threadID: String, runID: String)

    public var description: String {
        switch self {
        case .threadNotFound(let id): "no thread with id \(id)"
        case .runNotFound(let id): "no run with id \(id)"
        case .invalidRequest(let message): message
        case .threadBusy(let threadID, let runID): "thread \(threadID) is busy: run \(runID) is in progress in another process"
        }
    }
}

/// A conversation service: stores threads and streams runs. Backends translate their protocol
/// into `RunEvent`s; the tool loop lives in `RunDriver`, not here.
///
/// The contract every backend keeps, and `RunDriver` and the REPL rely on:
///
/// - **Run streams.** `streamRun` and `submitToolOutputs` return one stream per model step.
///   `streamRun`'s yields `.started(runID:)` first (a `submitToolOutputs` stream may yield it
///   again, with a new id when the protocol makes a new run per step, as Responses does); then
///   come text deltas and usage, then exactly one of
///   `.toolCallsRequired` (the run waits for outputs) or `.finished` (the run is over), after
///   which it ends normally. A stream that ends in any other way, such as a connection closed
///   before either event, must finish by throwing (the HTTP backends throw
///   `HTTPError.streamCut`), never end quietly: `RunDriver` reads a quiet end without
///   `.finished` as a completed run. What the server reports about the run itself (failed,
///   incomplete, expired, cancelled) is a `.finished` outcome, not a thrown error.
/// - **Who cancels what.** The caller cancels a run in two moves: it cancels the task consuming
///   the stream (Ctrl-C cancels the REPL's turn task), then calls `cancelRun`. When the consumer
///   goes away, the backend must stop the work feeding the stream (close the HTTP response, stop
///   the engine's producer task) so nothing keeps reading for a reader that left. Cancelling
///   the run on the server or in the engine, and keeping what was streamed, is `cancelRun`'s
///   job; where closing the stream already stops the run server-side (Responses), `cancelRun`
///   still stores the partial turn. `RunDriver` calls `cancelRun` from an uncancelled task once
///   the stream is gone and ignores its errors; it also calls it when a turn exceeds its
///   tool-round limit.
/// - **Errors.** An unknown thread throws `BackendError.threadNotFound`; transport failures
///   throw the backend's own errors (`HTTPError` for the HTTP backends). The REPL shows every
///   error as one line, so each must make sense on its own.
public protocol ChatBackend: Sendable {
    /// The name, model and one-line detail shown in the banner and `/show`. Must not fail: a
    /// value the backend cannot fetch is shown as a placeholder.
    func describe() async -> BackendDescription

    /// Creates an empty thread and records it locally so `/threads` and `--continue` find it.
    func createThread() async throws -> ThreadSummary

    /// The thread with `id`; throws `BackendError.threadNotFound` when there is none.
    func thread(id: String) async throws -> ThreadSummary

    /// At most `limit` threads, most recently used first, each titled by its first user line.
    func listThreads(limit: Int) async throws -> [ThreadSummary]

    /// Deletes the thread and what is stored of it; throws `BackendError.threadNotFound` when
    /// there is none.
    func deleteThread(id: String) async throws

    /// The thread's conversation in order: user lines, replies (cut-short ones `isPartial`) and
    /// tool calls with their outputs. Throws `BackendError.threadNotFound` for an unknown thread.
    func transcript(threadID: String) async throws -> [TranscriptEntry]

    /// Adds a user message for the next `streamRun` to answer. A backend may hold it until then
    /// (Responses sends it with the request), but it must count for `listThreads` titles at once.
    /// Throws `BackendError.threadNotFound` for an unknown thread.
    func appendUserMessage(_ text: String, threadID: String) async throws

    /// Starts a run on the thread with `options` and streams its first step (see the type's
    /// contract for the events and how the stream must end). Throws before returning when the
    /// run cannot start (unknown thread, refused request, unreachable server); errors after that
    /// come through the stream. Cancelling the consumer stops the stream, not the run.
    func streamRun(threadID: String, options: RunOptions) async throws -> AsyncThrowingStream<RunEvent, any Error>

    /// Sends the outputs of every call of the step `runID` is waiting on, in one submission, and
    /// streams the run's next step, under the same rules as `streamRun`.
    func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error>

    /// Cancels the run on the server or in the engine and keeps the partial reply, stored and
    /// marked as cut short. Called after the consumer of the run's stream has gone, from a task
    /// that is not cancelled, so it must finish its own requests. A run that has already ended
    /// may make it throw; callers ignore the error.
    func cancelRun(threadID: String, runID: String) async throws

    /// Changes the model used by following runs (a `RunOptions.model` still wins for its run).
    func setModel(_ model: String) async
}
