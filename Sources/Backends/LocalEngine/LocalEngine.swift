import AssistantsWire
import Foundation
import ThreadlineCore

/// An error of the engine's Assistants-style API; `serve` maps these to HTTP statuses.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// No object of `kind` ("thread", "run", ...) has this id.
    case notFound(kind: String, id: String)
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .notFound(let kind, let id): "No \(kind) found with id '\(id)'."
        case .invalidRequest(let message): message
        }
    }
}

/// The parameters of a new run; nil fields fall back to the assistant's.
public struct RunRequest: Sendable, Equatable {
    public var assistantID: String
    public var instructions: String?
    public var additionalInstructions: String?
    public var model: String?
    public var tools: [ToolDefinition]?
    /// `"none"`, `"auto"`, `"required"` or a named function, as the API takes it.
    public var toolChoice: JSONValue?
    public var parallelToolCalls: Bool?
    public var metadata: [String: String]?

    public init(
        assistantID: String, instructions: String? = nil, additionalInstructions: String? = nil,
        model: String? = nil, tools: [ToolDefinition]? = nil, toolChoice: JSONValue? = nil,
        parallelToolCalls: Bool? = nil, metadata: [String: String]? = nil
    ) {
        self.assistantID = assistantID
        self.instructions = instructions
        self.additionalInstructions = additionalInstructions
        self.model = model
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.metadata = metadata
    }
}

/// Assistants, threads, messages, runs and steps kept in SQLite, with runs executed by a
/// `LanguageModel`. Runs follow the Assistants lifecycle and stream Assistants v2 events.
public actor LocalEngine {
    public typealias EventStream = AsyncThrowingStream<StreamEvent, any Error>

    private let store: LocalStore
    private let model: any LanguageModel
    /// How long a run may wait in requires_action (and in total) before it expires, in seconds.
    public let expirySeconds: Int
    private var active: [String: ActiveRun] = [:]

    /// In-memory state of a run whose stream is open.
    private struct ActiveRun {
        var continuation: EventStream.Continuation
        var task: Task<Void, Never>?
        var messageID: String?
        var partialText = ""
    }

    /// Opens (creating) the store at `databasePath`. Runs another process left unfinished are
    /// not touched here, since that process may still be running them: they end when cancelled
    /// or when their `expires_at` passes.
    public init(databasePath: String, model: any LanguageModel, expirySeconds: Int = 600) throws {
        store = try LocalStore(path: databasePath)
        self.model = model
        self.expirySeconds = expirySeconds
    }

    public nonisolated var modelName: String { model.displayName }

    // MARK: assistants

    public func createAssistant(
        model: String, instructions: String?, tools: [ToolDefinition], name: String? = nil,
        description: String? = nil, metadata: [String: String] = [:]
    ) throws -> Assistant {
        let assistant = Assistant(
            id: WireID.make("asst"), createdAt: unixNow(), name: name, description: description, model: model,
            instructions: instructions, tools: tools, metadata: metadata)
        try store.saveAssistant(assistant)
        return assistant
    }

    public func assistant(id: String) throws -> Assistant {
        guard let assistant = try store.assistant(id: id) else { throw EngineError.notFound(kind: "assistant", id: id) }
        return assistant
    }

    public func assistants() throws -> [Assistant] { try store.assistants() }

    public func updateAssistant(_ assistant: Assistant) throws {
        _ = try self.assistant(id: assistant.id)
        try store.saveAssistant(assistant)
    }

    public func deleteAssistant(id: String) throws {
        guard try store.deleteAssistant(id: id) else { throw EngineError.notFound(kind: "assistant", id: id) }
    }

    /// The stored assistant whose definition equals this one, created on first use, so every
    /// session on a config reuses one assistant.
    public func assistant(matching definition: AssistantParameters) throws -> Assistant {
        let tools = definition.tools ?? []
        let existing = try store.assistants().first {
            $0.model == definition.model && $0.instructions == definition.instructions && $0.tools == tools
                && $0.name == definition.name
        }
        if let existing { return existing }
        return try createAssistant(
            model: definition.model, instructions: definition.instructions, tools: tools,
            name: definition.name, description: definition.description, metadata: definition.metadata ?? [:])
    }

    // MARK: threads

    public func createThread(metadata: [String: String] = [:]) throws -> AssistantThread {
        let thread = AssistantThread(id: WireID.make("thread"), createdAt: unixNow(), metadata: metadata)
        try store.saveThread(thread)
        return thread
    }

    public func thread(id: String) throws -> AssistantThread {
        guard let thread = try store.thread(id: id) else { throw EngineError.notFound(kind: "thread", id: id) }
        return thread
    }

    public func updateThread(_ thread: AssistantThread) throws {
        _ = try self.thread(id: thread.id)
        try store.saveThread(thread)
    }

    /// Threads with their first user message, most recently used first.
    public func recentThreads(limit: Int) throws -> [(thread: AssistantThread, firstUserMessage: Message?)] {
        try store.recentThreads(limit: limit)
    }

    public func deleteThread(id: String) throws {
        for run in try store.runs(threadID: id) where !run.status.isTerminal {
            try markCancelled(runID: run.id)
        }
        guard try store.deleteThread(id: id) else { throw EngineError.notFound(kind: "thread", id: id) }
    }

    // MARK: messages

    /// Appends a message; refused while a run of the thread is active, as the API does.
    public func addMessage(
        threadID: String, role: String, text: String, metadata: [String: String]? = nil
    ) throws -> Message {
        _ = try thread(id: threadID)
        guard role == "user" || role == "assistant" else {
            throw EngineError.invalidRequest("Invalid 'role': expected 'user' or 'assistant'.")
        }
        if let run = try activeRun(threadID: threadID) {
            throw EngineError.invalidRequest("Can't add messages to \(threadID) while a run \(run.id) is active.")
        }
        var message = Message(
            id: WireID.make("msg"), createdAt: unixNow(), threadID: threadID, status: "completed", role: role,
            text: text)
        message.completedAt = message.createdAt
        message.metadata = metadata
        try store.saveMessage(message)
        return message
    }

    public func messages(threadID: String) throws -> [Message] {
        _ = try thread(id: threadID)
        return try store.messages(threadID: threadID)
    }

    public func message(threadID: String, id: String) throws -> Message {
        guard let message = try store.message(id: id), message.threadID == threadID else {
            throw EngineError.notFound(kind: "message", id: id)
        }
        return message
    }

    /// The thread's messages and tool steps in order.
    func timeline(threadID: String) throws -> [TimelineItem] {
        _ = try thread(id: threadID)
        return try store.timeline(threadID: threadID)
    }

    // MARK: runs

    public func run(threadID: String, id: String) throws -> Run {
        guard let run = try store.run(id: id), run.threadID == threadID else {
            throw EngineError.notFound(kind: "run", id: id)
        }
        return run
    }

    public func runs(threadID: String) throws -> [Run] {
        _ = try thread(id: threadID)
        return try store.runs(threadID: threadID)
    }

    public func steps(threadID: String, runID: String) throws -> [RunStep] {
        _ = try run(threadID: threadID, id: runID)
        return try store.steps(runID: runID)
    }

    /// The run of the thread that has not ended yet, expiring it first when its time is up.
    public func activeRun(threadID: String) throws -> Run? {
        for run in try store.runs(threadID: threadID).reversed() where !run.status.isTerminal {
            if try expireIfDue(run) { continue }
            return run
        }
        return nil
    }

    /// Starts a run and streams its events until it completes or requires action.
    public func createRun(threadID: String, request: RunRequest) throws -> EventStream {
        _ = try thread(id: threadID)
        let assistant = try assistant(id: request.assistantID)
        if let run = try activeRun(threadID: threadID) {
            throw EngineError.invalidRequest("Thread \(threadID) already has an active run \(run.id).")
        }
        var instructions = request.instructions ?? assistant.instructions ?? ""
        if let additional = request.additionalInstructions, !additional.isEmpty {
            instructions = instructions.isEmpty ? additional : instructions + "\n\n" + additional
        }
        let now = unixNow()
        var run = Run(
            id: WireID.make("run"), createdAt: now, threadID: threadID, assistantID: assistant.id, status: .queued,
            model: request.model ?? assistant.model, instructions: instructions,
            tools: request.tools ?? assistant.tools, expiresAt: now + expirySeconds)
        run.toolChoice = request.toolChoice ?? .string("auto")
        run.parallelToolCalls = request.parallelToolCalls ?? true
        run.metadata = request.metadata
        try store.saveRun(run)
        return startStream(runID: run.id) { continuation in
            continuation.yield(.run(phase: "created", run))
            continuation.yield(.run(phase: "queued", run))
        }
    }

    /// Accepts the outputs of every call of the waiting step at once and resumes the run.
    public func submitToolOutputs(threadID: String, runID: String, outputs: [ToolOutput]) throws -> EventStream {
        var run = try run(threadID: threadID, id: runID)
        if try expireIfDue(run) {
            throw EngineError.invalidRequest("Run \(runID) has expired and can no longer accept tool outputs.")
        }
        guard run.status == .requiresAction, let action = run.requiredAction else {
            throw EngineError.invalidRequest(
                "Runs in status \"\(run.status)\" do not accept tool outputs.")
        }
        let expected = action.submitToolOutputs.toolCalls.map(\.id)
        let given = outputs.map(\.toolCallID)
        if let unknown = given.first(where: { !expected.contains($0) }) {
            throw EngineError.invalidRequest("Invalid 'tool_outputs': no tool call with id '\(unknown)' in this run.")
        }
        let missing = expected.filter { !given.contains($0) }
        if !missing.isEmpty || Set(given).count != given.count {
            throw EngineError.invalidRequest(
                "Expected tool outputs for call_ids \(expected), got \(given).")
        }
        let outputByID = Dictionary(outputs.map { ($0.toolCallID, $0.output) }, uniquingKeysWith: { first, _ in first })
        var step = try toolStep(of: run)
        step.stepDetails.toolCalls = step.stepDetails.toolCalls?.map { call in
            var answered = call
            answered.function.output = outputByID[call.id]
            return answered
        }
        step.status = "completed"
        step.completedAt = unixNow()
        try store.saveStep(step)
        run.requiredAction = nil
        run.status = .queued
        try store.saveRun(run)
        let completedStep = step
        return startStream(runID: run.id) { continuation in
            continuation.yield(.runStep(phase: "completed", completedStep))
            continuation.yield(.run(phase: "queued", run))
        }
    }

    public func updateRunMetadata(threadID: String, runID: String, metadata: [String: String]) throws -> Run {
        var run = try run(threadID: threadID, id: runID)
        run.metadata = metadata
        try store.saveRun(run)
        return run
    }

    /// Cancels every run this engine is executing, so a shutdown leaves no run
    /// looking alive in the store.
    public func cancelActiveRuns() {
        for runID in active.keys { _ = try? markCancelled(runID: runID) }
    }

    /// Cancels a run in any active state; the partial reply is kept, marked incomplete.
    @discardableResult
    public func cancelRun(threadID: String, runID: String) throws -> Run {
        _ = try run(threadID: threadID, id: runID)
        return try markCancelled(runID: runID)
    }

    // MARK: running

    private func startStream(runID: String, opening: (EventStream.Continuation) -> Void) -> EventStream {
        let (stream, continuation) = EventStream.makeStream()
        opening(continuation)
        active[runID] = ActiveRun(continuation: continuation)
        let task = Task { await self.execute(runID: runID) }
        active[runID]?.task = task
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }

    private func execute(runID: String) async {
        guard let continuation = active[runID]?.continuation else { return }
        do {
            guard var run = try store.run(id: runID) else { return }
            run.status = .inProgress
            run.startedAt = run.startedAt ?? unixNow()
            try store.saveRun(run)
            continuation.yield(.run(phase: "in_progress", run))
            var calls: [ToolCall] = []
            var incompleteReason: String?
            for try await output in model.respond(to: try modelRequest(for: run)) {
                try Task.checkCancellation()
                switch output {
                case .textDelta(let text): try appendText(text, to: run)
                case .toolCall(let name, let arguments):
                    calls.append(ToolCall(id: WireID.make("call"), name: name, arguments: arguments))
                case .usage(let usage):
                    run.usage = Usage(
                        promptTokens: (run.usage?.promptTokens ?? 0) + usage.promptTokens,
                        completionTokens: (run.usage?.completionTokens ?? 0) + usage.completionTokens)
                case .incomplete(let reason): incompleteReason = reason
                }
            }
            try Task.checkCancellation()
            try finishMessage(of: run, status: incompleteReason == nil ? "completed" : "incomplete")
            if let reason = incompleteReason {
                run.status = .incomplete
                run.incompleteDetails = IncompleteDetails(reason: reason)
                try store.saveRun(run)
                continuation.yield(.run(phase: "incomplete", run))
            } else if !calls.isEmpty {
                try requireAction(calls, run: &run)
            } else {
                run.status = .completed
                run.completedAt = unixNow()
                run.expiresAt = nil
                try store.saveRun(run)
                continuation.yield(.run(phase: "completed", run))
            }
            continuation.finish()
            active[runID] = nil
        } catch {
            if Task.isCancelled || error is CancellationError {
                _ = try? markCancelled(runID: runID)
            } else {
                markFailed(runID: runID, error: error)
            }
        }
    }

    private func requireAction(_ calls: [ToolCall], run: inout Run) throws {
        guard let continuation = active[run.id]?.continuation else { return }
        let step = RunStep(
            id: WireID.make("step"), createdAt: unixNow(), runID: run.id, assistantID: run.assistantID,
            threadID: run.threadID, status: "in_progress", details: .toolCalls(calls))
        try store.saveStep(step)
        continuation.yield(.runStep(phase: "created", step))
        continuation.yield(.runStep(phase: "in_progress", step))
        for (index, call) in calls.enumerated() {
            let fragment = ToolCallDelta(
                index: index, id: call.id,
                function: .init(name: call.function.name, arguments: call.function.arguments))
            continuation.yield(.runStepDelta(RunStepDelta(stepID: step.id, toolCalls: [fragment])))
        }
        run.status = .requiresAction
        run.requiredAction = RequiredAction(toolCalls: calls)
        let expiresAt = unixNow() + expirySeconds
        run.expiresAt = expiresAt
        try store.saveRun(run)
        continuation.yield(.run(phase: "requires_action", run))
        let runID = run.id
        Task {
            try? await Task.sleep(for: .seconds(max(0, expiresAt - unixNow()) + 1))
            _ = try? self.expireIfDue(runID: runID)
        }
    }

    private func appendText(_ text: String, to run: Run) throws {
        guard var state = active[run.id] else { return }
        if state.messageID == nil {
            var message = Message(
                id: WireID.make("msg"), createdAt: unixNow(), threadID: run.threadID, status: "in_progress",
                role: "assistant", text: "", assistantID: run.assistantID, runID: run.id)
            message.content = []
            try store.saveMessage(message)
            let step = RunStep(
                id: WireID.make("step"), createdAt: unixNow(), runID: run.id, assistantID: run.assistantID,
                threadID: run.threadID, status: "in_progress", details: .messageCreation(messageID: message.id))
            try store.saveStep(step)
            state.continuation.yield(.runStep(phase: "created", step))
            state.continuation.yield(.runStep(phase: "in_progress", step))
            state.continuation.yield(.message(phase: "created", message))
            state.continuation.yield(.message(phase: "in_progress", message))
            state.messageID = message.id
            state.partialText = ""
        }
        state.partialText += text
        active[run.id] = state
        state.continuation.yield(.messageDelta(MessageDelta(messageID: state.messageID!, text: text)))
    }

    /// Writes the message being streamed with its final text and status.
    private func finishMessage(of run: Run, status: String, reason: String? = nil) throws {
        guard var state = active[run.id], let messageID = state.messageID, var message = try store.message(id: messageID)
        else { return }
        message.content = [MessageContent(text: state.partialText)]
        message.status = status
        if status == "completed" {
            message.completedAt = unixNow()
        } else {
            message.incompleteAt = unixNow()
            message.incompleteDetails = IncompleteDetails(reason: reason ?? "run_incomplete")
        }
        try store.saveMessage(message)
        state.continuation.yield(.message(phase: status == "completed" ? "completed" : "incomplete", message))
        if var step = try store.steps(runID: run.id).last(where: { $0.stepDetails.messageCreation?.messageID == messageID }) {
            step.status = status == "completed" ? "completed" : "cancelled"
            step.completedAt = status == "completed" ? unixNow() : nil
            step.cancelledAt = status == "completed" ? nil : unixNow()
            try store.saveStep(step)
            state.continuation.yield(.runStep(phase: step.status, step))
        }
        state.messageID = nil
        state.partialText = ""
        active[run.id] = state
    }

    private func toolStep(of run: Run) throws -> RunStep {
        guard let step = try store.steps(runID: run.id).last(where: { $0.type == "tool_calls" }) else {
            throw EngineError.notFound(kind: "run step", id: run.id)
        }
        return step
    }

    @discardableResult
    private func markCancelled(runID: String) throws -> Run {
        guard var run = try store.run(id: runID) else { throw EngineError.notFound(kind: "run", id: runID) }
        guard !run.status.isTerminal else { return run }
        try finishMessage(of: run, status: "incomplete", reason: "run_cancelled")
        try closeOrphanedMessages(of: run, reason: "run_cancelled")
        try endOpenToolStep(of: run, status: "cancelled")
        run.status = .cancelled
        run.cancelledAt = unixNow()
        run.requiredAction = nil
        run.expiresAt = nil
        try store.saveRun(run)
        if let state = active.removeValue(forKey: runID) {
            state.task?.cancel()
            state.continuation.yield(.run(phase: "cancelled", run))
            state.continuation.finish()
        }
        return run
    }

    private func markFailed(runID: String, error: any Error) {
        guard var run = try? store.run(id: runID), !run.status.isTerminal else { return }
        try? finishMessage(of: run, status: "incomplete", reason: "run_failed")
        try? endOpenToolStep(of: run, status: "failed")
        run.status = .failed
        run.failedAt = unixNow()
        run.lastError = RunError(code: "server_error", message: "\(error)")
        try? store.saveRun(run)
        if let state = active.removeValue(forKey: runID) {
            state.continuation.yield(.run(phase: "failed", run))
            state.continuation.finish()
        }
    }

    /// Marks incomplete the messages of `run` still in progress that no stream here is writing
    /// (their process died, or the run is ended from outside).
    private func closeOrphanedMessages(of run: Run, reason: String) throws {
        for var message in try store.messages(threadID: run.threadID)
        where message.runID == run.id && message.status == "in_progress" {
            message.status = "incomplete"
            message.incompleteAt = unixNow()
            message.incompleteDetails = IncompleteDetails(reason: reason)
            try store.saveMessage(message)
        }
    }

    private func endOpenToolStep(of run: Run, status: String) throws {
        guard var step = try store.steps(runID: run.id).last(where: { $0.type == "tool_calls" }),
            step.status == "in_progress"
        else { return }
        step.status = status
        if status == "expired" { step.expiredAt = unixNow() } else if status == "cancelled" {
            step.cancelledAt = unixNow()
        } else {
            step.failedAt = unixNow()
        }
        try store.saveStep(step)
    }

    private func expireIfDue(runID: String) throws -> Bool {
        guard let run = try store.run(id: runID) else { return false }
        return try expireIfDue(run)
    }

    /// Expires a run past its `expires_at` that this engine is not executing (waiting for tool
    /// outputs, or left behind by a process that died); true if it did.
    private func expireIfDue(_ run: Run) throws -> Bool {
        guard !run.status.isTerminal, active[run.id]?.task == nil, let expiresAt = run.expiresAt, unixNow() >= expiresAt
        else { return false }
        var expired = run
        try closeOrphanedMessages(of: run, reason: "run_expired")
        try endOpenToolStep(of: run, status: "expired")
        expired.status = .expired
        expired.requiredAction = nil
        try store.saveRun(expired)
        active[run.id] = nil
        return true
    }

    private func modelRequest(for run: Run) throws -> ModelRequest {
        let turns: [ModelTurn] = try store.timeline(threadID: run.threadID).compactMap { item in
            switch item {
            case .message(let message) where message.role == "user": .user(message.text)
            case .message(let message): message.text.isEmpty ? nil : .assistant(message.text)
            case .step(let step):
                step.status == "completed" ? step.stepDetails.toolCalls.map { ModelTurn.toolCalls($0) } : nil
            }
        }
        // tool_choice "none" keeps the tools from the model for this run.
        let tools = run.toolChoice == .string("none") ? [] : run.tools.compactMap(\.function)
        return ModelRequest(
            model: run.model, instructions: run.instructions ?? "", tools: tools, turns: turns,
            parallelToolCalls: run.parallelToolCalls ?? true)
    }
}
