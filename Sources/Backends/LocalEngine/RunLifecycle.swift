import AssistantsWire
import ThreadlineCore

/// Where a run's ids and clock come from; tests pass fixed ones.
struct RunEnvironment: Sendable {
    var now: @Sendable () -> Int = unixNow
    /// The same clock in milliseconds, for leases and text flushes.
    var nowMillis: @Sendable () -> Int64 = unixNowMillis
    var timing = RunTiming.standard
    var makeID: @Sendable (String) -> String = WireID.make
    /// How long a run may wait in requires_action (and in total) before it expires, in seconds.
    var expirySeconds = 600
}

/// The lifecycle of one run as a pure state machine. Each event (started, model output, model
/// done, tool outputs, cancel, failure, expiry) moves the run on and returns a `Transition`:
/// the objects to write in one transaction, the stream events to send after the write, and what
/// the owner does next. Nothing here touches a database, a stream or a model.
struct RunLifecycle: Sendable {
    /// What the owner does once a transition is written and sent.
    enum Next: Equatable, Sendable {
        /// Keep feeding model output.
        case proceed
        /// Call `start()`: the run is queued.
        case start
        /// Ask the model for this step and feed its output.
        case callModel
        /// End the stream; the run waits for tool outputs until `expiresAt`.
        case awaitToolOutputs(expiresAt: Int)
        /// The run ended; end the stream.
        case end
    }

    struct Transition: Equatable, Sendable {
        var changes = StoreChanges()
        var events: [StreamEvent] = []
        var next = Next.proceed
    }

    /// The message being streamed, its step and its text so far.
    private struct Reply: Sendable {
        var message: Message
        var step: RunStep
        var text: String
        /// When the message was last written (ms), with `flushedCount` bytes of text.
        var flushedAt: Int64
        var flushedCount = 0
    }

    private(set) var run: Run
    private let environment: RunEnvironment
    /// The run's status as last written: a transition applies only if the store still has it.
    private var storedStatus: RunStatus?
    private var steps: [RunStep]
    private var messages: [Message]
    private var reply: Reply?
    private var calls: [ToolCall] = []
    private var incompleteReason: String?

    /// Takes over a stored run: one waiting for tool outputs, or one to end.
    init(_ snapshot: RunSnapshot, environment: RunEnvironment) {
        run = snapshot.run
        storedStatus = snapshot.run.status
        steps = snapshot.steps
        messages = snapshot.messages
        self.environment = environment
    }

    /// A new queued run of `assistant` on the thread, as `request` asks.
    static func create(
        threadID: String, assistant: Assistant, request: RunRequest, environment: RunEnvironment
    ) -> (RunLifecycle, Transition) {
        var instructions = request.instructions ?? assistant.instructions ?? ""
        if let additional = request.additionalInstructions, !additional.isEmpty {
            instructions = instructions.isEmpty ? additional : instructions + "\n\n" + additional
        }
        let now = environment.now()
        var run = Run(
            id: environment.makeID("run"), createdAt: now, threadID: threadID, assistantID: assistant.id, status: .queued,
            model: request.model ?? assistant.model, instructions: instructions,
            tools: request.tools ?? assistant.tools, expiresAt: now + environment.expirySeconds)
        run.toolChoice = request.toolChoice ?? .string("auto")
        run.parallelToolCalls = request.parallelToolCalls ?? true
        run.metadata = request.metadata ?? [:]
        var lifecycle = RunLifecycle(RunSnapshot(run: run), environment: environment)
        lifecycle.storedStatus = nil
        var transition = Transition(next: .start)
        lifecycle.save(run: &transition)
        transition.events = [.run(phase: "created", run), .run(phase: "queued", run)]
        return (lifecycle, transition)
    }

    // MARK: events

    /// The queued run starts a step: in progress, the model is called next.
    mutating func start() -> Transition {
        var transition = Transition(next: .callModel)
        run.status = .inProgress
        run.startedAt = run.startedAt ?? environment.now()
        calls = []
        incompleteReason = nil
        save(run: &transition)
        transition.events.append(.run(phase: "in_progress", run))
        return transition
    }

    /// One piece of the model's answer. Text opens the reply message on its first piece.
    mutating func receive(_ output: ModelOutput) -> Transition {
        var transition = Transition()
        switch output {
        case .textDelta(let text):
            if reply == nil { openReply(&transition) }
            reply?.text += text
            if let messageID = reply?.message.id {
                transition.events.append(.messageDelta(MessageDelta(messageID: messageID, text: text)))
            }
            flushIfDue(&transition)
        case .toolCall(let name, let arguments, let id):
            let unused = id.flatMap { id in id.isEmpty || calls.contains { $0.id == id } ? nil : id }
            calls.append(ToolCall(id: unused ?? environment.makeID("call"), name: name, arguments: arguments))
        case .usage(let usage):
            run.usage = Usage(
                promptTokens: (run.usage?.promptTokens ?? 0).saturatingAdding(usage.promptTokens),
                completionTokens: (run.usage?.completionTokens ?? 0).saturatingAdding(usage.completionTokens))
        case .incomplete(let reason):
            incompleteReason = reason
        }
        return transition
    }

    /// Writes the reply's text so far when `timing.textFlushMillis` have passed since it was last
    /// written, so a process killed mid-stream leaves what it had shown; nil when not due.
    mutating func flushIfDue() -> Transition? {
        var transition = Transition()
        flushIfDue(&transition)
        return transition.changes.isEmpty ? nil : transition
    }

    /// The model's answer ended: the run completes, ends incomplete, or waits for tool outputs.
    mutating func modelFinished() -> Transition {
        var transition = Transition(next: .end)
        finishReply(as: incompleteReason == nil ? .completed : .incomplete, reason: nil, &transition)
        let now = environment.now()
        if let reason = incompleteReason {
            run.status = .incomplete
            run.incompleteDetails = IncompleteDetails(reason: reason)
        } else if !calls.isEmpty {
            let step = RunStep(
                id: environment.makeID("step"), createdAt: now, runID: run.id, assistantID: run.assistantID,
                threadID: run.threadID, status: .inProgress, details: .toolCalls(calls))
            save(step, &transition)
            transition.events += [.runStep(phase: "created", step), .runStep(phase: "in_progress", step)]
            for (index, call) in calls.enumerated() {
                let fragment = ToolCallDelta(
                    index: index, id: call.id, function: .init(name: call.function.name, arguments: call.function.arguments))
                transition.events.append(.runStepDelta(RunStepDelta(stepID: step.id, toolCalls: [fragment])))
            }
            run.status = .requiresAction
            run.requiredAction = RequiredAction(toolCalls: calls)
            run.expiresAt = now + environment.expirySeconds
            transition.next = .awaitToolOutputs(expiresAt: now + environment.expirySeconds)
        } else {
            run.status = .completed
            run.completedAt = now
            run.expiresAt = nil
        }
        save(run: &transition)
        transition.events.append(.run(phase: run.status.rawValue, run))
        return transition
    }

    /// The outputs of every call of the waiting step, at once; the run is queued again.
    mutating func submit(_ outputs: [ToolOutput]) throws -> Transition {
        guard run.status == .requiresAction, let action = run.requiredAction else {
            throw EngineError.invalidRequest("Runs in status \"\(run.status)\" do not accept tool outputs.")
        }
        let expected = action.submitToolOutputs.toolCalls.map(\.id)
        let given = outputs.map(\.toolCallID)
        if let unknown = given.first(where: { !expected.contains($0) }) {
            throw EngineError.invalidRequest("Invalid 'tool_outputs': no tool call with id '\(unknown)' in this run.")
        }
        if expected.contains(where: { !given.contains($0) }) || Set(given).count != given.count {
            throw EngineError.invalidRequest("Expected tool outputs for call_ids \(expected), got \(given).")
        }
        guard var step = steps.last(where: { $0.type == "tool_calls" }) else {
            throw EngineError.notFound(kind: "run step", id: run.id)
        }
        let outputByID = Dictionary(outputs.map { ($0.toolCallID, $0.output) }, uniquingKeysWith: { first, _ in first })
        step.stepDetails.toolCalls = step.stepDetails.toolCalls?.map { call in
            var answered = call
            answered.function.output = outputByID[call.id]
            return answered
        }
        step.status = .completed
        step.completedAt = environment.now()
        var transition = Transition(next: .start)
        save(step, &transition)
        run.requiredAction = nil
        run.status = .queued
        save(run: &transition)
        transition.events = [.runStep(phase: "completed", step), .run(phase: "queued", run)]
        return transition
    }

    /// Cancelled from any active status; the partial reply is kept, marked incomplete. Nil when
    /// the run had already ended.
    mutating func cancel() -> Transition? {
        guard !run.status.isTerminal else { return nil }
        var transition = Transition(next: .end)
        end(as: .cancelled, reason: "run_cancelled", &transition)
        run.status = .cancelled
        run.cancelledAt = environment.now()
        run.expiresAt = nil
        save(run: &transition)
        transition.events.append(.run(phase: "cancelled", run))
        return transition
    }

    /// Failed with `message` (the model or the store broke); nil when the run had already ended.
    mutating func fail(_ message: String) -> Transition? {
        guard !run.status.isTerminal else { return nil }
        var transition = Transition(next: .end)
        end(as: .failed, reason: "run_failed", &transition)
        run.status = .failed
        run.failedAt = environment.now()
        run.lastError = RunError(code: "server_error", message: message)
        save(run: &transition)
        transition.events.append(.run(phase: "failed", run))
        return transition
    }

    /// Expired when `expires_at` has passed; nil otherwise. Only for a run nobody executes.
    mutating func expireIfDue() -> Transition? {
        guard !run.status.isTerminal, let expiresAt = run.expiresAt, environment.now() >= expiresAt else { return nil }
        var transition = Transition(next: .end)
        end(as: .expired, reason: "run_expired", &transition)
        run.status = .expired
        save(run: &transition)
        return transition
    }

    /// What the model gets for the next step: the thread so far, the run's settings and tools.
    func modelRequest(timeline: [TimelineItem]) -> ModelRequest {
        let turns: [ModelTurn] = timeline.compactMap { item in
            switch item {
            case .message(let message) where message.role == "user": .user(message.text)
            case .message(let message): message.text.isEmpty ? nil : .assistant(message.text)
            case .step(let step):
                step.status == .completed ? step.stepDetails.toolCalls.map { ModelTurn.toolCalls($0) } : nil
            }
        }
        // tool_choice "none" keeps the tools from the model for this run.
        let tools = run.toolChoice == .string("none") ? [] : run.tools.compactMap(\.function)
        return ModelRequest(
            model: run.model, instructions: run.instructions ?? "", tools: tools, turns: turns,
            parallelToolCalls: run.parallelToolCalls ?? true)
    }

    // MARK: parts of transitions

    private mutating func openReply(_ transition: inout Transition) {
        let now = environment.now()
        var message = Message(
            id: environment.makeID("msg"), createdAt: now, threadID: run.threadID, status: .inProgress,
            role: "assistant", text: "", assistantID: run.assistantID, runID: run.id)
        message.content = []
        let step = RunStep(
            id: environment.makeID("step"), createdAt: now, runID: run.id, assistantID: run.assistantID,
            threadID: run.threadID, status: .inProgress, details: .messageCreation(messageID: message.id))
        save(message, &transition)
        save(step, &transition)
        transition.events += [
            .runStep(phase: "created", step), .runStep(phase: "in_progress", step),
            .message(phase: "created", message), .message(phase: "in_progress", message),
        ]
        reply = Reply(message: message, step: step, text: "", flushedAt: environment.nowMillis())
    }

    /// The first piece is written with the message that opens (no extra write), later ones
    /// once the interval has passed.
    private mutating func flushIfDue(_ transition: inout Transition) {
        guard var reply, reply.text.utf8.count != reply.flushedCount else { return }
        let now = environment.nowMillis()
        guard reply.flushedCount == 0 || now - reply.flushedAt >= environment.timing.textFlushMillis else { return }
        reply.message.content = [MessageContent(text: reply.text)]
        reply.flushedAt = now
        reply.flushedCount = reply.text.utf8.count
        save(reply.message, &transition)
        self.reply = reply
    }

    /// Writes the reply being streamed with its text: completed, or incomplete with its step
    /// cancelled.
    private mutating func finishReply(as status: MessageStatus, reason: String?, _ transition: inout Transition) {
        guard var reply else { return }
        self.reply = nil
        let now = environment.now()
        reply.message.content = [MessageContent(text: reply.text)]
        reply.message.status = status
        if status == .completed {
            reply.message.completedAt = now
            reply.step.status = .completed
            reply.step.completedAt = now
        } else {
            reply.message.incompleteAt = now
            reply.message.incompleteDetails = IncompleteDetails(reason: reason ?? "run_incomplete")
            reply.step.status = .cancelled
            reply.step.cancelledAt = now
        }
        save(reply.message, &transition)
        save(reply.step, &transition)
        transition.events += [
            .message(phase: status.rawValue, reply.message), .runStep(phase: reply.step.status.rawValue, reply.step),
        ]
    }

    /// Ends what the run left open: the reply (kept, incomplete), messages still in progress that
    /// no stream here writes (their process died), and steps in progress.
    private mutating func end(as status: StepStatus, reason: String, _ transition: inout Transition) {
        finishReply(as: .incomplete, reason: reason, &transition)
        let now = environment.now()
        for var message in messages where message.status == .inProgress {
            message.status = .incomplete
            message.incompleteAt = now
            message.incompleteDetails = IncompleteDetails(reason: reason)
            save(message, &transition)
        }
        for var step in steps where step.status == .inProgress {
            step.status = status
            switch status {
            case .expired: step.expiredAt = now
            case .cancelled: step.cancelledAt = now
            default: step.failedAt = now
            }
            save(step, &transition)
        }
        run.requiredAction = nil
    }

    private mutating func save(run transition: inout Transition) {
        transition.changes.runs = [run]
        saveExpectation(&transition)
        storedStatus = run.status
    }

    private mutating func save(_ message: Message, _ transition: inout Transition) {
        Self.replace(message, in: &transition.changes.messages, id: \.id)
        Self.replace(message, in: &messages, id: \.id)
        saveExpectation(&transition)
    }

    private mutating func save(_ step: RunStep, _ transition: inout Transition) {
        Self.replace(step, in: &transition.changes.steps, id: \.id)
        Self.replace(step, in: &steps, id: \.id)
        saveExpectation(&transition)
    }

    /// Puts `item` last in `list`, instead of the older version with its id.
    private static func replace<Item>(_ item: Item, in list: inout [Item], id: KeyPath<Item, String>) {
        list.removeAll { $0[keyPath: id] == item[keyPath: id] }
        list.append(item)
    }

    /// The first write of a transition records the status the store must still hold.
    private func saveExpectation(_ transition: inout Transition) {
        guard transition.changes.expectation == nil, let storedStatus else { return }
        transition.changes.expectation = RunExpectation(runID: run.id, status: storedStatus)
    }
}
