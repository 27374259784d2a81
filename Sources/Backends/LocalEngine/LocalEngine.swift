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
    /// One change of the engine's state at a time (see `exclusively`).
    private var isChanging = false
    private var waitingToChange: [CheckedContinuation<Void, Never>] = []
    /// This process's name on the runs it holds (`RunLease.owner`).
    private let owner: String
    /// Runs this engine holds a lease on: executing here, or waiting here for tool outputs.
    private var held: Set<String> = []
    /// Renews the leases of `held` every `timing.heartbeatMillis` while there are any.
    private var heartbeat: Task<Void, Never>?
    /// Tool outputs for a run waiting in another live process are taken here (see `init`).
    private let sharesWaitingRuns: Bool

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
    ///
    /// With `sharesWaitingRuns` (`serve`, whose clients run the tools, so any instance may take
    /// their outputs) a submission for a run waiting in requires_action in another live process
    /// takes the run over, in the same transaction that moves it on; otherwise (the REPL, which
    /// answers its own runs) it is refused.
    public init(
        store: any ThreadStore, model: any LanguageModel, expirySeconds: Int = 600, timing: RunTiming = .standard,
        owner: String = LocalEngine.processOwner, sharesWaitingRuns: Bool = false
    ) {
        self.store = store
        self.model = model
        self.environment = RunEnvironment(timing: timing, expirySeconds: expirySeconds)
        self.owner = owner
        self.sharesWaitingRuns = sharesWaitingRuns
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
    /// The model that answers every run whatever it names (the demo's); nil when runs choose.
    public nonisolated var answeringModel: String? { model.answeringModel }

    // MARK: assistants

    public func createAssistant(
        model: String, instructions: String?, tools: [ToolDefinition], name: String? = nil,
        description: String? = nil, metadata: [String: String] = [:]
    ) async throws -> Assistant {
        let assistant = Assistant(
            id: environment.makeID("asst"), createdAt: environment.now(), name: name, description: description,
            model: model, instructions: instructions, tools: tools, metadata: metadata)
        try await store.saveAssistant(assistant)
        return assistant
    }

    public nonisolated func assistant(id: String) async throws -> Assistant {
        guard let assistant = try await store.assistant(id: id) else { throw EngineError.notFound(kind: "assistant", id: id) }
        return assistant
    }

    public nonisolated func assistants(_ page: PageRequest) async throws -> Page<Assistant> { try await store.assistants(page) }

    /// Every assistant, oldest first.
    public nonisolated func assistants() async throws -> [Assistant] { try await assistants(.all).items }

    public func updateAssistant(_ assistant: Assistant) async throws {
        try await exclusively {
            _ = try await self.assistant(id: assistant.id)
            try await store.saveAssistant(assistant)
        }
    }

    public func deleteAssistant(id: String) async throws {
        guard try await store.deleteAssistant(id: id) else { throw EngineError.notFound(kind: "assistant", id: id) }
    }

    /// The stored assistant whose definition equals this one, created on first use, so every
    /// session on a config reuses one assistant.
    public func assistant(matching definition: AssistantParameters) async throws -> Assistant {
        let wanted = Assistant(
            id: "", createdAt: 0, name: definition.name, description: definition.description, model: definition.model,
            instructions: definition.instructions, tools: definition.tools ?? [], metadata: definition.metadata ?? [:])
        return try await exclusively {
            if let existing = try await store.assistant(matching: wanted) { return existing }
            return try await createAssistant(
                model: wanted.model, instructions: wanted.instructions, tools: wanted.tools, name: wanted.name,
                description: wanted.description, metadata: wanted.metadata)
        }
    }

    // MARK: threads

    public func createThread(metadata: [String: String] = [:]) async throws -> AssistantThread {
        let thread = AssistantThread(id: environment.makeID("thread"), createdAt: environment.now(), metadata: metadata)
        try await store.saveThread(thread)
        return thread
    }

    public nonisolated func thread(id: String) async throws -> AssistantThread {
        guard let thread = try await store.thread(id: id) else { throw EngineError.notFound(kind: "thread", id: id) }
        return thread
    }

    public func updateThread(_ thread: AssistantThread) async throws {
        try await exclusively {
            _ = try await self.thread(id: thread.id)
            try await store.saveThread(thread)
        }
    }

    /// Threads with their first user message, most recently used first.
    public nonisolated func recentThreads(limit: Int) async throws -> [ThreadListing] {
        try await store.recentThreads(limit: limit)
    }

    public func deleteThread(id: String) async throws {
        try await exclusively {
            for run in try await store.activeRuns(threadID: id) {
                try await cancel(runID: run.id)
            }
            guard try await store.deleteThread(id: id) else { throw EngineError.notFound(kind: "thread", id: id) }
        }
    }

    // MARK: messages

    /// Appends a message; refused while a run of the thread is active, as the API does.
    public func addMessage(
        threadID: String, role: String, text: String, metadata: [String: String]? = nil
    ) async throws -> Message {
        _ = try await thread(id: threadID)
        guard role == "user" || role == "assistant" else {
            throw EngineError.invalidRequest("Invalid 'role': expected 'user' or 'assistant'.")
        }
        return try await exclusively {
            if let run = try await unfinishedRun(threadID: threadID) {
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
            try await commitGuarded(changes, addingMessage: true)
            return message
        }
    }

    /// One page of the thread's messages (only run `runID`'s when given).
    public nonisolated func messages(threadID: String, runID: String? = nil, _ page: PageRequest) async throws -> Page<Message> {
        _ = try await thread(id: threadID)
        return try await store.messages(threadID: threadID, runID: runID, page)
    }

    /// Every message of the thread, oldest first.
    public nonisolated func messages(threadID: String) async throws -> [Message] {
        try await messages(threadID: threadID, .all).items
    }

    public nonisolated func message(threadID: String, id: String) async throws -> Message {
        guard let message = try await store.message(id: id), message.threadID == threadID else {
            throw EngineError.notFound(kind: "message", id: id)
        }
        return message
    }

    /// The thread's first message from the user.
    public nonisolated func firstUserMessage(threadID: String) async throws -> Message? {
        try await store.firstUserMessage(threadID: threadID)
    }

    /// The thread's messages and tool steps in order.
    public nonisolated func timeline(threadID: String) async throws -> [TimelineItem] {
        _ = try await thread(id: threadID)
        return try await store.timeline(threadID: threadID)
    }

    /// One page of `list` as the stored JSON of its objects, for the API to send as it is.
    public nonisolated func wirePage(_ list: StoredList, _ page: PageRequest) async throws -> Page<WireObject> {
        if let found = try await store.wirePage(list, page) { return found }
        switch list {
        case .messages(let threadID, _), .runs(let threadID): throw EngineError.notFound(kind: "thread", id: threadID)
        case .steps(_, let runID): throw EngineError.notFound(kind: "run", id: runID)
        // The assistants belong to nothing that could be missing.
        case .assistants: return Page(items: [], hasMore: false)
        }
    }

    // MARK: runs

    public nonisolated func run(threadID: String, id: String) async throws -> Run {
        guard let run = try await store.run(id: id), run.threadID == threadID else {
            throw EngineError.notFound(kind: "run", id: id)
        }
        return run
    }

    public nonisolated func runs(threadID: String, _ page: PageRequest) async throws -> Page<Run> {
        _ = try await thread(id: threadID)
        return try await store.runs(threadID: threadID, page)
    }

    /// Every run of the thread, oldest first.
    public nonisolated func runs(threadID: String) async throws -> [Run] { try await runs(threadID: threadID, .all).items }

    public nonisolated func steps(threadID: String, runID: String, _ page: PageRequest) async throws -> Page<RunStep> {
        _ = try await run(threadID: threadID, id: runID)
        return try await store.steps(runID: runID, page)
    }

    /// Every step of the run, oldest first.
    public nonisolated func steps(threadID: String, runID: String) async throws -> [RunStep] {
        try await steps(threadID: threadID, runID: runID, .all).items
    }

    public nonisolated func step(threadID: String, runID: String, id: String) async throws -> RunStep {
        guard let step = try await store.step(id: id), step.runID == runID, step.threadID == threadID else {
            throw EngineError.notFound(kind: "run step", id: id)
        }
        return step
    }

    /// The run of the thread that has not ended yet, expiring it first when its time is up and
    /// failing it when the process holding it is gone (an orphan).
    public func activeRun(threadID: String) async throws -> Run? {
        try await exclusively { try await unfinishedRun(threadID: threadID) }
    }

    private func unfinishedRun(threadID: String) async throws -> Run? {
        for run in try await store.activeRuns(threadID: threadID).reversed() {
            if try await expireIfDue(runID: run.id) { continue }
            if try await failIfOrphaned(runID: run.id) { continue }
            return run
        }
        return nil
    }

    /// True when this engine holds the run (executes it, or it waits here for tool outputs).
    public func holds(runID: String) -> Bool { held.contains(runID) }

    /// Ends as failed every run whose holder is gone, as a restarted `serve` does at start-up;
    /// answers how many it ended. Runs of live processes are left alone.
    @discardableResult
    public func endOrphanedRuns() async throws -> Int {
        try await exclusively {
            var ended = 0
            for run in try await store.allActiveRuns() where try await failIfOrphaned(runID: run.id) { ended += 1 }
            return ended
        }
    }

    /// Starts a run and streams its events until it completes or requires action.
    public func createRun(threadID: String, request: RunRequest) async throws -> EventStream {
        _ = try await thread(id: threadID)
        let assistant = try await assistant(id: request.assistantID)
        return try await exclusively {
            if let run = try await unfinishedRun(threadID: threadID) {
                throw EngineError.threadBusy(threadID: threadID, runID: run.id, addingMessage: false)
            }
            let (lifecycle, created) = RunLifecycle.create(
                threadID: threadID, assistant: assistant, request: request, environment: environment)
            var changes = created.changes
            changes.idleThread = threadID
            changes.lease = RunLease(owner: owner, heartbeatAt: environment.nowMillis())
            try await commitGuarded(changes, addingMessage: false)
            hold(lifecycle.run.id)
            return startStream(lifecycle, opening: created.events)
        }
    }

    /// Accepts the outputs of every call of the waiting step at once and resumes the run.
    public func submitToolOutputs(threadID: String, runID: String, outputs: [ToolOutput]) async throws -> EventStream {
        _ = try await run(threadID: threadID, id: runID)
        return try await exclusively {
            if try await expireIfDue(runID: runID) {
                throw EngineError.invalidRequest("Run \(runID) has expired and can no longer accept tool outputs.")
            }
            var takeover: RunLease?
            if !held.contains(runID) {
                // Left by a process that is gone: this one takes it over. One a live process holds stays its,
                // unless runs waiting for outputs are shared: the submission's own write then takes it,
                // only while the run still waits (its expectation), so an executing run is never taken.
                let lease = RunLease(owner: owner, heartbeatAt: environment.nowMillis())
                if try await store.claimRun(id: runID, lease: lease, lapsedBefore: lease.heartbeatAt - environment.timing.leaseMillis) {
                    hold(runID)
                } else if sharesWaitingRuns {
                    takeover = lease
                } else {
                    throw EngineError.invalidRequest("Run \(runID) is in progress in another process.")
                }
            }
            var lifecycle = try await storedLifecycle(runID: runID)
            var submitted = try lifecycle.submit(outputs)
            submitted.changes.lease = takeover ?? submitted.changes.lease
            try await store.commit(submitted.changes)
            if takeover != nil { hold(runID) }
            return startStream(lifecycle, opening: submitted.events)
        }
    }

    public func updateRunMetadata(threadID: String, runID: String, metadata: [String: String]) async throws -> Run {
        try await exclusively {
            var run = try await run(threadID: threadID, id: runID)
            run.metadata = metadata
            var changes = StoreChanges(runs: [run])
            changes.expectation = RunExpectation(runID: runID, status: run.status)
            try await store.commit(changes)
            return run
        }
    }

    /// Cancels every run this engine is executing, so a shutdown leaves no run
    /// looking alive in the store.
    public func cancelActiveRuns() async {
        _ = try? await exclusively {
            for runID in active.keys { _ = try? await cancel(runID: runID) }
        }
    }

    /// Cancels a run in any active state; the partial reply is kept, marked incomplete.
    @discardableResult
    public func cancelRun(threadID: String, runID: String) async throws -> Run {
        _ = try await run(threadID: threadID, id: runID)
        return try await exclusively { try await cancel(runID: runID) }
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
            try await advance(runID) { $0.start() }
            guard let lifecycle = active[runID]?.lifecycle else { return }
            let request = lifecycle.modelRequest(timeline: try await store.timeline(threadID: lifecycle.run.threadID))
            for try await output in model.respond(to: request) {
                try Task.checkCancellation()
                try await advance(runID) { $0.receive(output) }
            }
            try Task.checkCancellation()
            try await advance(runID) { $0.modelFinished() }
        } catch StoreError.runChanged {
            closeEndedElsewhere(runID: runID, as: try? await store.run(id: runID))
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            _ = try? await exclusively {
                try await end(runID: runID) { cancelled ? $0.cancel() : $0.fail("\(error)") }
            }
        }
    }

    /// Applies one event to an active run: writes its transition, then sends its events. A run
    /// no longer active here (cancelled meanwhile) stops its executor.
    private func advance(_ runID: String, _ event: (inout RunLifecycle) -> RunLifecycle.Transition) async throws {
        try await exclusively { try await apply(runID, event) }
    }

    private func apply(_ runID: String, _ event: (inout RunLifecycle) -> RunLifecycle.Transition) async throws {
        guard var state = active[runID] else { throw CancellationError() }
        let transition = event(&state.lifecycle)
        if !transition.changes.isEmpty { try await store.commit(transition.changes) }
        active[runID] = state
        for event in transition.events { state.continuation.yield(event) }
        switch transition.next {
        case .proceed, .start, .callModel: break
        case .awaitToolOutputs(let expiresAt):
            endStream(runID: runID)
            Task {
                try? await Task.sleep(for: .seconds(max(0, expiresAt - environment.now()) + 1))
                _ = try? await self.exclusively { try await self.expireIfDue(runID: runID) }
            }
        case .end:
            endStream(runID: runID)
            held.remove(runID)
        }
    }

    private func endStream(runID: String) {
        active.removeValue(forKey: runID)?.continuation.finish()
    }

    /// Another process ended the run (a cancel at another `serve` instance): its executor here
    /// stops, and its stream closes on the state that process wrote.
    private func closeEndedElsewhere(runID: String, as run: Run?) {
        if let run { active[runID]?.continuation.yield(.run(phase: run.status.rawValue, run)) }
        active[runID]?.task?.cancel()
        endStream(runID: runID)
        held.remove(runID)
    }

    /// Commits a new message or run, turning the store's busy refusal into the engine's.
    private func commitGuarded(_ changes: StoreChanges, addingMessage: Bool) async throws {
        do {
            try await store.commit(changes)
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
    private func beat() async -> Bool {
        (try? await exclusively { await renewHeld() }) ?? true
    }

    private func renewHeld() async -> Bool {
        guard !held.isEmpty else {
            heartbeat = nil
            return false
        }
        if let kept = try? await store.renewLeases(owner: owner, runIDs: Array(held), at: environment.nowMillis()) {
            // A run lost meanwhile was ended by another process; its writes here fail on their own.
            held.formIntersection(kept)
        }
        for (runID, var state) in active {
            // A run whose model is quiet learns here, not only at its next transition, that it was ended elsewhere.
            if let stored = try? await store.run(id: runID), stored.status.isTerminal {
                closeEndedElsewhere(runID: runID, as: stored)
                continue
            }
            guard let flush = state.lifecycle.flushIfDue(), (try? await store.commit(flush.changes)) != nil else { continue }
            active[runID] = state
        }
        return true
    }

    /// Fails the run when its holder is gone: its lease lapsed, or its process (on this host)
    /// no longer exists. A run without a lease predates leases and counts as an orphan. True
    /// when it did.
    private func failIfOrphaned(runID: String) async throws -> Bool {
        guard !held.contains(runID), active[runID] == nil else { return false }
        if let lease = try await store.lease(runID: runID) {
            guard lease.isLapsed(at: environment.nowMillis(), environment.timing) || Self.isGone(lease.owner) else { return false }
        }
        return try await end(runID: runID) { $0.fail(Self.orphanMessage) }.ended
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
    private func storedLifecycle(runID: String) async throws -> RunLifecycle {
        if let lifecycle = active[runID]?.lifecycle { return lifecycle }
        guard let snapshot = try await store.snapshot(runID: runID) else { throw EngineError.notFound(kind: "run", id: runID) }
        return RunLifecycle(snapshot, environment: environment)
    }

    /// Ends a run from outside its model loop (cancel, failure, expiry) in one transaction, and
    /// stops its executor here if it has one. Another process moving the run on meanwhile makes
    /// the write fail; it is then retried on what that process wrote. `ended` is false when the
    /// event did not apply (the run had already ended, or was not due).
    private func end(
        runID: String, _ event: (inout RunLifecycle) -> RunLifecycle.Transition?
    ) async throws -> (run: Run, ended: Bool) {
        for _ in 0..<3 {
            var lifecycle = try await storedLifecycle(runID: runID)
            guard let transition = event(&lifecycle) else { return (lifecycle.run, false) }
            do {
                try await store.commit(transition.changes)
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
    private func cancel(runID: String) async throws -> Run {
        try await end(runID: runID) { $0.cancel() }.run
    }

    /// Expires a run past its `expires_at` that this engine is not executing (waiting for tool
    /// outputs, or left behind by a process that died); true if it did.
    private func expireIfDue(runID: String) async throws -> Bool {
        guard active[runID]?.task == nil else { return false }
        return try await end(runID: runID) { $0.expireIfDue() }.ended
    }

    /// Runs `body` with no other change of the engine's state in between. The store is async
    /// and an actor lets other calls in at every `await`, so each change (read, decide, write)
    /// holds this turn from its first read to its last write, as the synchronous store did.
    /// Only public entry points, the executor and the heartbeat take it; what they call must not.
    private func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        if isChanging {
            await withCheckedContinuation { waitingToChange.append($0) }
        } else {
            isChanging = true
        }
        defer {
            if waitingToChange.isEmpty { isChanging = false } else { waitingToChange.removeFirst().resume() }
        }
        return try await body()
    }
}
