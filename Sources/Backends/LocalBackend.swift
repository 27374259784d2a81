import AssistantsWire
import Foundation
import ThreadlineCore

/// `ChatBackend` over the embedded `LocalEngine` (backends `demo` and `chat`).
public actor LocalBackend: ChatBackend {
    private let engine: LocalEngine
    private let assistantID: String
    private let name: String
    private var model: String?
    private let translator = AssistantsEventTranslator()
    /// How long a new line waits for another process's run on the thread to end.
    private let busyWait: Duration
    private let definitionTools: [ToolDefinition]?
    private var joiningTools: JoiningTools?

    /// Uses (creating once) the stored assistant equal to `definition`. A line sent while
    /// another process runs a run on the thread waits up to `busyWait` for it to end.
    public init(
        name: String, engine: LocalEngine, definition: AssistantParameters, busyWait: Duration = .seconds(30)
    ) async throws {
        self.name = name
        self.engine = engine
        self.busyWait = busyWait
        self.definitionTools = definition.tools
        self.assistantID = try await engine.assistant(matching: definition).id
    }

    public func describe() async -> BackendDescription {
        let assistantModel = (try? await engine.assistant(id: assistantID).model) ?? "?"
        let requested = model ?? assistantModel
        // The demo answers whatever model a run names: say so rather than claim the named one.
        let shown = engine.answeringModel.map { "\($0) (runs name \(requested))" } ?? requested
        return BackendDescription(name: name, model: shown, detail: engine.modelName)
    }

    public func setModel(_ model: String) { self.model = model }

    /// Each run also offers the tools `tools` gives at its start.
    public func setJoiningTools(_ tools: @escaping JoiningTools) { joiningTools = tools }

    public func createThread() async throws -> ThreadSummary {
        summary(try await engine.createThread(), firstUserMessage: nil)
    }

    public func thread(id: String) async throws -> ThreadSummary {
        do {
            let thread = try await engine.thread(id: id)
            return summary(thread, firstUserMessage: try await engine.firstUserMessage(threadID: id))
        } catch EngineError.notFound {
            throw BackendError.threadNotFound(id)
        }
    }

    public func listThreads(limit: Int) async throws -> [ThreadSummary] {
        var threads: [ThreadSummary] = []
        for listing in try await engine.recentThreads(limit: limit) {
            var thread = summary(listing.thread, firstUserMessage: listing.firstUserMessage)
            // Listed by last use (the newest message), so labelled by it too.
            if let last = try await engine.messages(threadID: thread.id, PageRequest(limit: 1)).items.first {
                thread.lastUsedAt = Date(timeIntervalSince1970: TimeInterval(last.createdAt))
            }
            threads.append(thread)
        }
        return threads
    }

    public func deleteThread(id: String) async throws {
        do { try await engine.deleteThread(id: id) } catch EngineError.notFound { throw BackendError.threadNotFound(id) }
    }

    public func transcript(threadID: String) async throws -> [TranscriptEntry] {
        try await mapped {
            try await engine.timeline(threadID: threadID).flatMap { item -> [TranscriptEntry] in
                switch item {
                case .message(let message):
                    return [
                        TranscriptEntry(
                            kind: message.role == "user" ? .user : .assistant, text: message.text,
                            isPartial: message.status == .incomplete)
                    ]
                case .step(let step):
                    return (step.stepDetails.toolCalls ?? []).map {
                        TranscriptEntry(
                            kind: .toolCall(name: $0.function.name, arguments: $0.function.arguments, output: $0.function.output),
                            text: "")
                    }
                }
            }
        }
    }

    /// Appends the line. A run of this process left waiting for tool outputs (its turn failed)
    /// is cancelled first, since nobody will answer it; a run of a process that is gone is
    /// failed by the engine. A run another live process holds is waited for, up to `busyWait`,
    /// then the line is refused with `BackendError.threadBusy`: that run is never cancelled.
    public func appendUserMessage(_ text: String, threadID: String) async throws {
        try await mapped {
            try await waitingWhileBusy {
                if let run = try await engine.activeRun(threadID: threadID), await engine.holds(runID: run.id) {
                    try await engine.cancelRun(threadID: threadID, runID: run.id)
                }
                _ = try await engine.addMessage(threadID: threadID, role: "user", text: text)
            }
        }
    }

    /// Runs `body` again while another process's run keeps the thread busy, for up to `busyWait`.
    private func waitingWhileBusy<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + busyWait
        while true {
            do {
                return try await body()
            } catch EngineError.threadBusy where ContinuousClock.now < deadline {
                try await Task.sleep(for: Self.busyPoll)
            }
        }
    }

    /// How often a waiting line looks again whether the thread is free.
    private static let busyPoll = Duration.milliseconds(200)

    public func streamRun(threadID: String, options: RunOptions) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        let request = RunRequest(
            assistantID: assistantID, instructions: options.instructions,
            additionalInstructions: options.additionalInstructions, model: options.model ?? model,
            tools: runTools(definitionTools, joining: joiningTools))
        // Another process may start its run between this process's line and run: this one waits for it.
        return try await mapped {
            translator.translate(try await waitingWhileBusy { try await engine.createRun(threadID: threadID, request: request) })
        }
    }

    public func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        let wire = outputs.map { ToolOutput(toolCallID: $0.toolCallID, output: $0.output) }
        return try await mapped {
            translator.translate(try await engine.submitToolOutputs(threadID: threadID, runID: runID, outputs: wire))
        }
    }

    public func cancelRun(threadID: String, runID: String) async throws {
        try await mapped { _ = try await engine.cancelRun(threadID: threadID, runID: runID) }
    }

    private func summary(_ thread: AssistantThread, firstUserMessage: Message?) -> ThreadSummary {
        let title = firstUserMessage.map { $0.text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "" }
        return ThreadSummary(id: thread.id, createdAt: Date(timeIntervalSince1970: TimeInterval(thread.createdAt)), title: title)
    }

    /// Runs `body`, turning engine errors into the backend errors the REPL renders.
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch EngineError.notFound(kind: "thread", let id) {
            throw BackendError.threadNotFound(id)
        } catch EngineError.notFound(kind: "run", let id) {
            throw BackendError.runNotFound(id)
        } catch EngineError.threadBusy(let threadID, let runID, _) {
            throw BackendError.threadBusy(threadID: threadID, runID: runID)
        } catch let error as EngineError {
            throw BackendError.invalidRequest(error.description)
        }
    }
}
