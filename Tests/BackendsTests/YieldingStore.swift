import AssistantsWire

@testable import Backends

/// A `ThreadStore` that lets other tasks run before each call, as a store over the network
/// does: what the engine must keep atomic shows up as interleaving.
struct YieldingStore: ThreadStore {
    let base: SQLiteThreadStore

    fileprivate func yielding<T>(_ call: () async throws -> T) async throws -> T {
        for _ in 0..<3 { await Task.yield() }
        return try await call()
    }

    func saveAssistant(_ assistant: Assistant) async throws { try await yielding { try await base.saveAssistant(assistant) } }
    func assistant(id: String) async throws -> Assistant? { try await yielding { try await base.assistant(id: id) } }
    func assistants(_ page: PageRequest) async throws -> Page<Assistant> { try await yielding { try await base.assistants(page) } }
    func assistant(matching assistant: Assistant) async throws -> Assistant? {
        try await yielding { try await base.assistant(matching: assistant) }
    }
    func deleteAssistant(id: String) async throws -> Bool { try await yielding { try await base.deleteAssistant(id: id) } }
    func saveThread(_ thread: AssistantThread) async throws { try await yielding { try await base.saveThread(thread) } }
    func thread(id: String) async throws -> AssistantThread? { try await yielding { try await base.thread(id: id) } }
    func recentThreads(limit: Int) async throws -> [ThreadListing] { try await yielding { try await base.recentThreads(limit: limit) } }
    func deleteThread(id: String) async throws -> Bool { try await yielding { try await base.deleteThread(id: id) } }
    func message(id: String) async throws -> Message? { try await yielding { try await base.message(id: id) } }
    func messages(threadID: String, runID: String?, _ page: PageRequest) async throws -> Page<Message> {
        try await yielding { try await base.messages(threadID: threadID, runID: runID, page) }
    }
    func firstUserMessage(threadID: String) async throws -> Message? {
        try await yielding { try await base.firstUserMessage(threadID: threadID) }
    }
    func run(id: String) async throws -> Run? { try await yielding { try await base.run(id: id) } }
    func runs(threadID: String, _ page: PageRequest) async throws -> Page<Run> {
        try await yielding { try await base.runs(threadID: threadID, page) }
    }
    func activeRuns(threadID: String) async throws -> [Run] { try await yielding { try await base.activeRuns(threadID: threadID) } }
    func steps(runID: String, _ page: PageRequest) async throws -> Page<RunStep> {
        try await yielding { try await base.steps(runID: runID, page) }
    }
    func step(id: String) async throws -> RunStep? { try await yielding { try await base.step(id: id) } }
    func snapshot(runID: String) async throws -> RunSnapshot? { try await yielding { try await base.snapshot(runID: runID) } }
    func timeline(threadID: String) async throws -> [TimelineItem] { try await yielding { try await base.timeline(threadID: threadID) } }
    func commit(_ changes: StoreChanges) async throws { try await yielding { try await base.commit(changes) } }
}

extension YieldingStore {
    func allActiveRuns() async throws -> [Run] { try await yielding { try await base.allActiveRuns() } }
    func wirePage(_ list: StoredList, _ page: PageRequest) async throws -> Page<WireObject>? {
        try await yielding { try await base.wirePage(list, page) }
    }
    func lease(runID: String) async throws -> RunLease? { try await yielding { try await base.lease(runID: runID) } }
    func claimRun(id: String, lease: RunLease, lapsedBefore: Int64) async throws -> Bool {
        try await yielding { try await base.claimRun(id: id, lease: lease, lapsedBefore: lapsedBefore) }
    }
    func renewLeases(owner: String, runIDs: [String], at now: Int64) async throws -> Set<String> {
        try await yielding { try await base.renewLeases(owner: owner, runIDs: runIDs, at: now) }
    }
}
