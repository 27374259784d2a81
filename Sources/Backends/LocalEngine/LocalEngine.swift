import AssistantsWire
import Foundation

/// Assistants, threads, messages, runs and steps kept in a `ThreadStore`, with runs executed by
/// a `LanguageModel` and streamed as Assistants v2 events.
///
/// The engine is the thin loop around `RunLifecycle`: it feeds the lifecycle its events (model
/// output, tool outputs, cancel, expiry), writes each transition through the store in one
/// transaction, then sends the transition's events.
public actor LocalEngine {
    public typealias EventStream = AsyncThrowingStream<StreamEvent, any Error>

    private let store: any ThreadStore
    private let model: any LanguageModel
    private let environment: RunEnvironment
    /// Runs this engine executes, by id.
    private var active: [String: ActiveRun] = [:]
    /// This process's name on the runs it holds (`RunLease.owner`).
    private let owner: String
    /// Runs this engine holds a lease on: executing here, or waiting here for tool outputs.
    private var held: Set<String> = []
    /// Renews the leases of `held` every `timing.heartbeatMillis` while there are any.
    private var heartbeat: Task<Void, Never>?

    /// A run whose stream is open here.
    private struct ActiveRun {
        var lifecycle: RunLifecycle
        var continuation: EventStream.Continuation
        var task: Task<Void, Never>?
    }

    /// How long a run may wait in requires_action (and in total) before it expires, in seconds.
    public var expirySeconds: Int { environment.expirySeconds }

    /// An engine over `store`, holding the runs it starts as `owner`. A run another process
    /// holds is left alone while that process renews its lease; once the lease lapses (or the
    /// process is seen gone) the run is an orphan, ended as failed by whoever finds it.
    public init(
        store: any ThreadStore, model: any LanguageModel, expirySeconds: Int = 600, timing: RunTiming = .standard,
        owner: String = LocalEngine.processOwner
    ) {
        self.store = store
        self.model = model
        self.environment = RunEnvironment(timing: timing, expirySeconds: expirySeconds)
        self.owner = owner
    }

    /// An engine over the SQLite database at `databasePath` (created when missing).
    public init(databasePath: String, model: any LanguageModel, expirySeconds: Int = 600) throws {
        self.init(store: try SQLiteThreadStore(path: databasePath), model: model, expirySeconds: expirySeconds)
    }

    /// This process as a run owner: host, pid and a nonce (a pid is reused after a reboot).
    public static let processOwner = [
        ProcessInfo.processInfo.hostName, String(getpid()), String(UInt32.random(in: 0...UInt32.max)),
    ].joined(separator: ":")

    public nonisolated var modelName: String { model.displayName }

    // MARK: assistants

    public func createAssistant(
        model: String, instructions: String?, tools: [ToolDefinition], name: String? = nil,
        description: String? = nil, metadata: [String: String] = [:]
    ) throws -> Assistant {
        let assistant = Assistant(
            id: environment.makeID("asst"), createdAt: environment.now(), name: name, description: description,
            model: model, instructions: instructions, tools: tools, metadata: metadata)
        try store.saveAssistant(assistant)
        return assistant
    }

    public func assistant(id: String) throws -> Assistant {
        guard let assistant = try store.assistant(id: id) else { throw EngineError.notFound(kind: "assistant", id: id) }
        return assistant
    }

    public func assistants(_ page: PageRequest) throws -> Page<Assistant> { try store.assistants(page) }

    /// Every assistant, oldest first.
    public func assistants() throws -> [Assistant] { try assistants(.all).items }

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
        let wanted = Assistant(
            id: "", createdAt: 0, name: definition.name, description: definition.description, model: definition.model,
            instructions: definition.instructions, tools: definition.tools ?? [], metadata: definition.metadata ?? [:])
        if let existing = try store.assistant(matching: wanted) { return existing }
        return try createAssistant(
            model: wanted.model, instructions: wanted.instructions, tools: wanted.tools, name: wanted.name,
            description: wanted.description, metadata: wanted.metadata)
    }

    // MARK: threads

    public func createThread(metadata: [String: String] = [:]) throws -> AssistantThread {
        let thread = AssistantThread(id: environment.makeID("thread"), createdAt: environment.now(), metadata: metadata)
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
    public func recentThreads(limit: Int) throws -> [ThreadListing] {
        try store.recentThreads(limit: limit)
    }

    public func deleteThread(id: String) throws {
        for run in try store.activeRuns(threadID: id) {
            try cancel(runID: run.id)
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
            throw EngineError.threadBusy(threadID: threadID, runID: run.id, addingMessage: true)
        }
        var message = Message(
            id: environment.makeID("msg"), createdAt: environment.now(), threadID: threadID, status: .completed,
            role: role, text: text)
        message.completedAt = message.createdAt
        message.metadata = metadata
        var changes = StoreChanges(messages: [message])
        // Another process may start a run between the check above and this write.
        changes.idleThread = threadID
        try commitGuarded(changes, addingMessage: true)
        return message
    }

    /// One page of the thread's messages (only run `runID`'s when given).
    public func messages(threadID: String, runID: String? = nil, _ page: PageRequest) throws -> Page<Message> {
        _ = try thread(id: threadID)
        return try store.messages(threadID: threadID, runID: runID, page)
    }

    /// Every message of the thread, oldest first.
    public func messages(threadID: String) throws -> [Message] {
        try messages(threadID: threadID, .all).items
    }

    public func message(threadID: String, id: String) throws -> Message {
        guard let message = try store.message(id: id), message.threadID == threadID else {
            throw EngineError.notFound(kind: "message", id: id)
        }
        return message
    }

    /// The thread's first message from the user.
    public func firstUserMessage(threadID: String) throws -> Message? {
        try store.firstUserMessage(threadID: threadID)
    }

    /// The thread's messages and tool steps in order.
    public func timeline(threadID: String) throws -> [TimelineItem] {
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

    public func runs(threadID: String, _ page: PageRequest) throws -> Page<Run> {
        _ = try thread(id: threadID)
        return try store.runs(threadID: threadID, page)
    }

    /// Every run of the thread, oldest first.
    public func runs(threadID: String) throws -> [Run] { try runs(threadID: threadID, .all).items }

    public func steps(threadID: String, runID: String, _ page: PageRequest) throws -> Page<RunStep> {
        _ = try run(threadID: threadID, id: runID)
        return try store.steps(runID: runID, page)
    }

    /// Every step of the run, oldest first.
    public func steps(threadID: String, runID: String) throws -> [RunStep] {
        try steps(threadID: threadID, runID: runID, .all).items
    }

    public func step(threadID: String, runID: String, id: String) throws -> RunStep {
        guard let step = try store.step(id: id), step.runID == runID, step.threadID == threadID else {
            throw EngineError.notFound(kind: "run step", id: id)
        }
        return step
    }

    /// The run of the thread that has not ended yet, expiring it first when its time is up and
    /// failing it when the process holding it is gone (an orphan).
    public func activeRun(threadID: String) throws -> Run? {
        for run in try store.activeRuns(threadID: threadID).reversed() {
            if try expireIfDue(runID: run.id) || (try failIfOrphaned(runID: run.id)) { continue }
            return run
        }
        return nil
    }

    /// True when this engine holds the run (executes it, or it waits here for tool outputs).
    public func holds(runID: String) -> Bool { held.contains(runID) }

    /// Ends as failed every run whose holder is gone, as a restarted `serve` does at start-up;
    /// answers how many it ended. Runs of live processes are left alone.
    @discardableResult
    public func endOrphanedRuns() throws -> Int {
        try store.allActiveRuns().filter { try failIfOrphaned(runID: $0.id) }.count
    }

    /// Starts a run and streams its events until it completes or requires action.
    public func createRun(threadID: String, request: RunRequest) throws -> EventStream {
        _ = try thread(id: threadID)
        let assistant = try assistant(id: request.assistantID)
        if let run = try activeRun(threadID: threadID) {
            throw EngineError.threadBusy(threadID: threadID, runID: run.id, addingMessage: false)
        }
        let (lifecycle, created) = RunLifecycle.create(
            threadID: threadID, assistant: assistant, request: request, environment: environment)
        var changes = created.changes
        changes.idleThread = threadID
        changes.lease = RunLease(owner: owner, heartbeatAt: environment.nowMillis())
        try commitGuarded(changes, addingMessage: false)
        hold(lifecycle.run.id)
        return startStream(lifecycle, opening: created.events)
    }

    /// Accepts the outputs of every call of the waiting step at once and resumes the run.
    public func submitToolOutputs(threadID: String, runID: String, outputs: [ToolOutput]) throws -> EventStream {
        _ = try run(threadID: threadID, id: runID)
        if try expireIfDue(runID: runID) {
            throw EngineError.invalidRequest("Run \(runID) has expired and can no longer accept tool outputs.")
        }
        if !held.contains(runID) {
            // Left by a process that is gone: this one takes it over. One a live process holds stays its.
            let lease = RunLease(owner: owner, heartbeatAt: environment.nowMillis())
            guard try store.claimRun(id: runID, lease: lease, lapsedBefore: lease.heartbeatAt - environment.timing.leaseMillis)
            else { throw EngineError.invalidRequest("Run \(runID) is in progress in another process.") }
            hold(runID)
        }
        var lifecycle = try storedLifecycle(runID: runID)
        let submitted = try lifecycle.submit(outputs)
        try store.commit(submitted.changes)
        return startStream(lifecycle, opening: submitted.events)
    }

    public func updateRunMetadata(threadID: String, runID: String, metadata: [String: String]) throws -> Run {
        var run = try run(threadID: threadID, id: runID)
        run.metadata = metadata
        var changes = StoreChanges(runs: [run])
        changes.expectation = RunExpectation(runID: runID, status: run.status)
        try store.commit(changes)
        return run
    }

    /// Cancels every run this engine is executing, so a shutdown leaves no run
    /// looking alive in the store.
    public func cancelActiveRuns() {
        for runID in active.keys { _ = try? cancel(runID: runID) }
    }

    /// Cancels a run in any active state; the partial reply is kept, marked incomplete.
    @discardableResult
    public func cancelRun(threadID: String, runID: String) throws -> Run {
        _ = try run(threadID: threadID, id: runID)
        return try cancel(runID: runID)
    }

    // MARK: running

    private func startStream(_ lifecycle: RunLifecycle, opening: [StreamEvent]) -> EventStream {
        let (stream, continuation) = EventStream.makeStream()
        for event in opening { continuation.yield(event) }
        let runID = lifecycle.run.id
        active[runID] = ActiveRun(lifecycle: lifecycle, continuation: continuation)
        let task = Task { await self.execute(runID: runID) }
        active[runID]?.task = task
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }

    /// Runs the queued run through the model until it ends or waits for tool outputs.
    private func execute(runID: String) async {
        do {
            try advance(runID) { $0.start() }
            guard let lifecycle = active[runID]?.lifecycle else { return }
            let request = lifecycle.modelRequest(timeline: try store.timeline(threadID: lifecycle.run.threadID))
            for try await output in model.respond(to: request) {
                try Task.checkCancellation()
                try advance(runID) { $0.receive(output) }
            }
            try Task.checkCancellation()
            try advance(runID) { $0.modelFinished() }
        } catch StoreError.runChanged {
            // Another process ended the run: its stream closes on the state that process wrote.
            if let run = try? store.run(id: runID) { active[runID]?.continuation.yield(.run(phase: run.status.rawValue, run)) }
            endStream(runID: runID)
            held.remove(runID)
        } catch {
            if Task.isCancelled || error is CancellationError {
                _ = try? cancel(runID: runID)
            } else {
                fail(runID: runID, error: error)
            }
        }
    }

    /// Applies one event to an active run: writes its transition, then sends its events. A run
    /// no longer active here (cancelled meanwhile) stops its executor.
    private func advance(_ runID: String, _ event: (inout RunLifecycle) -> RunLifecycle.Transition) throws {
        guard var state = active[runID] else { throw CancellationError() }
        let transition = event(&state.lifecycle)
        if !transition.changes.isEmpty { try store.commit(transition.changes) }
        active[runID] = state
        for event in transition.events { state.continuation.yield(event) }
        switch transition.next {
        case .proceed, .start, .callModel: break
        case .awaitToolOutputs(let expiresAt):
            endStream(runID: runID)
            Task {
                try? await Task.sleep(for: .seconds(max(0, expiresAt - environment.now()) + 1))
                _ = try? self.expireIfDue(runID: runID)
            }
        case .end:
            endStream(runID: runID)
            held.remove(runID)
        }
    }

    private func endStream(runID: String) {
        active.removeValue(forKey: runID)?.continuation.finish()
    }

    /// Commits a new message or run, turning the store's busy refusal into the engine's.
    private func commitGuarded(_ changes: StoreChanges, addingMessage: Bool) throws {
        do {
            try store.commit(changes)
        } catch StoreError.threadBusy(let threadID, let runID) {
            throw EngineError.threadBusy(threadID: threadID, runID: runID, addingMessage: addingMessage)
        }
    }

    // MARK: leases

    /// Holds the run here and keeps its lease renewed while it is held.
    private func hold(_ runID: String) {
        held.insert(runID)
        guard heartbeat == nil else { return }
        let interval = Duration.milliseconds(environment.timing.heartbeatMillis)
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, await self.beat() else { return }
            }
        }
    }

    /// Renews the leases held, and writes the text of replies whose model went quiet; false
    /// (the heartbeat stops) once no run is held.
    private func beat() -> Bool {
        guard !held.isEmpty else {
            heartbeat = nil
            return false
        }
        if let kept = try? store.renewLeases(owner: owner, runIDs: Array(held), at: environment.nowMillis()) {
            // A run lost meanwhile was ended by another process; its writes here fail on their own.
            held.formIntersection(kept)
        }
        for (runID, var state) in active {
            guard let flush = state.lifecycle.flushIfDue(), (try? store.commit(flush.changes)) != nil else { continue }
            active[runID] = state
        }
        return true
    }

    /// Fails the run when its holder is gone: its lease lapsed, or its process (on this host)
    /// no longer exists. A run without a lease predates leases and counts as an orphan. True
    /// when it did.
    private func failIfOrphaned(runID: String) throws -> Bool {
        guard !held.contains(runID), active[runID] == nil else { return false }
        if let lease = try store.lease(runID: runID) {
            guard lease.isLapsed(at: environment.nowMillis(), environment.timing) || Self.isGone(lease.owner) else { return false }
        }
        return try end(runID: runID) { $0.fail(Self.orphanMessage) }.ended
    }

    /// `last_error.message` of a run whose process stopped while holding it.
    static let orphanMessage = "the process running it stopped"

    /// True when `owner` names a process of this host that no longer exists.
    private static func isGone(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 3, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = pid_t(parts[1]) else {
            return false
        }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The lifecycle of a run: the one executing here, else taken over from the store.
    private func storedLifecycle(runID: String) throws -> RunLifecycle {
        if let lifecycle = active[runID]?.lifecycle { return lifecycle }
        guard let snapshot = try store.snapshot(runID: runID) else { throw EngineError.notFound(kind: "run", id: runID) }
        return RunLifecycle(snapshot, environment: environment)
    }

    /// Ends a run from outside its model loop (cancel, failure, expiry) in one transaction, and
    /// stops its executor here if it has one. Another process moving the run on meanwhile makes
    /// the write fail; it is then retried on what that process wrote. `ended` is false when the
    /// event did not apply (the run had already ended, or was not due).
    private func end(
        runID: String, _ event: (inout RunLifecycle) -> RunLifecycle.Transition?
    ) throws -> (run: Run, ended: Bool) {
        for _ in 0..<3 {
            var lifecycle = try storedLifecycle(runID: runID)
            guard let transition = event(&lifecycle) else { return (lifecycle.run, false) }
            do {
                try store.commit(transition.changes)
            } catch StoreError.runChanged where active[runID] == nil {
                continue
            }
            held.remove(runID)
            if let state = active.removeValue(forKey: runID) {
                state.task?.cancel()
                for event in transition.events { state.continuation.yield(event) }
                state.continuation.finish()
            }
            return (lifecycle.run, true)
        }
        throw EngineError.invalidRequest("Run \(runID) is being changed by another process; try again.")
    }

    @discardableResult
    private func cancel(runID: String) throws -> Run {
        try end(runID: runID) { $0.cancel() }.run
    }

    private func fail(runID: String, error: any Error) {
        _ = try? end(runID: runID) { $0.fail("\(error)") }
    }

    /// Expires a run past its `expires_at` that this engine is not executing (waiting for tool
    /// outputs, or left behind by a process that died); true if it did.
    private func expireIfDue(runID: String) throws -> Bool {
        guard active[runID]?.task == nil else { return false }
        return try end(runID: runID) { $0.expireIfDue() }.ended
    }
}
