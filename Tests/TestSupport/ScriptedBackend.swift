import Foundation
import ThreadlineCore

/// One scripted reply of `ScriptedBackend`: the events a `streamRun` or `submitToolOutputs`
/// stream yields, and how that stream ends.
public struct ScriptedStream: Sendable {
    public enum Ending: Sendable {
        /// The stream finishes normally after its events.
        case finish
        /// The stream throws `error` after its events.
        case fail(any Error)
        /// The stream stays open after its events until the consuming task is cancelled.
        case hang
    }

    public var events: [RunEvent]
    public var ending: Ending

    public init(_ events: [RunEvent], ending: Ending = .finish) {
        self.events = events
        self.ending = ending
    }
}

/// A `ChatBackend` that replays scripted event streams and records every request.
///
/// `streamRun` and `submitToolOutputs` take the next script from one queue, in order, so a turn
/// is scripted as `[first stream, stream after round 1, stream after round 2, ...]`. When the
/// queue is empty they throw `BackendError.invalidRequest`.
public actor ScriptedBackend: ChatBackend {
    public struct RunRequest: Sendable, Equatable {
        public var threadID: String
        public var options: RunOptions

        public init(threadID: String, options: RunOptions) {
            self.threadID = threadID
            self.options = options
        }
    }

    public struct Submission: Sendable, Equatable {
        public var threadID: String
        public var runID: String
        public var outputs: [ToolCallOutput]

        public init(threadID: String, runID: String, outputs: [ToolCallOutput]) {
            self.threadID = threadID
            self.runID = runID
            self.outputs = outputs
        }
    }

    public struct Cancellation: Sendable, Equatable {
        public var threadID: String
        public var runID: String

        public init(threadID: String, runID: String) {
            self.threadID = threadID
            self.runID = runID
        }
    }

    private var scripts: [ScriptedStream]
    private var threads: [ThreadSummary] = []
    private var transcripts: [String: [TranscriptEntry]] = [:]
    private var model: String
    /// Continuations of `.hang` streams, kept alive so those streams stay open.
    private var openContinuations: [AsyncThrowingStream<RunEvent, any Error>.Continuation] = []

    public private(set) var runRequests: [RunRequest] = []
    public private(set) var submissions: [Submission] = []
    public private(set) var cancellations: [Cancellation] = []
    public private(set) var userMessages: [String] = []

    public init(_ scripts: [ScriptedStream], model: String = "scripted-model") {
        self.scripts = scripts
        self.model = model
    }

    /// Scripts that all finish normally.
    public init(events: [[RunEvent]], model: String = "scripted-model") {
        self.init(events.map { ScriptedStream($0) }, model: model)
    }

    /// Adds scripts at the end of the queue.
    public func enqueue(_ more: [ScriptedStream]) {
        scripts += more
    }

    /// Scripts not consumed yet.
    public var remainingScripts: Int { scripts.count }

    // MARK: ChatBackend

    public func describe() async -> BackendDescription {
        BackendDescription(name: "scripted", model: model, detail: "test double")
    }

    public func createThread() async throws -> ThreadSummary {
        let summary = ThreadSummary(
            id: "thread_\(threads.count + 1)", createdAt: Date(timeIntervalSince1970: Double(threads.count)),
            title: nil)
        threads.append(summary)
        transcripts[summary.id] = []
        return summary
    }

    public func thread(id: String) async throws -> ThreadSummary {
        guard let found = threads.first(where: { $0.id == id }) else { throw BackendError.threadNotFound(id) }
        return found
    }

    public func listThreads(limit: Int) async throws -> [ThreadSummary] {
        Array(threads.reversed().prefix(limit))
    }

    public func deleteThread(id: String) async throws {
        guard threads.contains(where: { $0.id == id }) else { throw BackendError.threadNotFound(id) }
        threads.removeAll { $0.id == id }
        transcripts[id] = nil
    }

    public func transcript(threadID: String) async throws -> [TranscriptEntry] {
        transcripts[threadID] ?? []
    }

    public func appendUserMessage(_ text: String, threadID: String) async throws {
        userMessages.append(text)
        transcripts[threadID, default: []].append(TranscriptEntry(kind: .user, text: text))
        if let index = threads.firstIndex(where: { $0.id == threadID }), threads[index].title == nil {
            threads[index].title = text
        }
    }

    public func streamRun(
        threadID: String, options: RunOptions
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        runRequests.append(RunRequest(threadID: threadID, options: options))
        return try nextStream()
    }

    public func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        submissions.append(Submission(threadID: threadID, runID: runID, outputs: outputs))
        return try nextStream()
    }

    public func cancelRun(threadID: String, runID: String) async throws {
        cancellations.append(Cancellation(threadID: threadID, runID: runID))
    }

    public func setModel(_ model: String) async {
        self.model = model
    }

    private func nextStream() throws -> AsyncThrowingStream<RunEvent, any Error> {
        guard !scripts.isEmpty else { throw BackendError.invalidRequest("no scripted stream left") }
        let script = scripts.removeFirst()
        let (stream, continuation) = AsyncThrowingStream<RunEvent, any Error>.makeStream()
        for event in script.events { continuation.yield(event) }
        switch script.ending {
        case .finish: continuation.finish()
        case .fail(let error): continuation.finish(throwing: error)
        case .hang: openContinuations.append(continuation)
        }
        return stream
    }
}
