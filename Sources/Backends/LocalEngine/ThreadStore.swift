import AssistantsWire

/// Where the local engine keeps assistants, threads, messages, runs and run steps: the seam
/// between the engine and a database. Its calls are `async` so that a database reached over the
/// network (PostgreSQL) needs no blocking bridge. `SQLiteThreadStore` is the default; another database
/// implements the same requirements.
///
/// Objects are stored whole, in their wire form, in creation order. Lists are answered by the
/// database a page at a time (`PageRequest`); a store never loads a table to slice it.
public protocol ThreadStore: Sendable {
    // MARK: assistants

    /// Inserts the assistant, or replaces the stored one with the same id.
    func saveAssistant(_ assistant: Assistant) async throws
    func assistant(id: String) async throws -> Assistant?
    /// One page of the assistants, in creation order (or its reverse).
    func assistants(_ page: PageRequest) async throws -> Page<Assistant>
    /// The first stored assistant equal to `assistant` in model, instructions, tools and name.
    func assistant(matching assistant: Assistant) async throws -> Assistant?
    /// False when there was none.
    func deleteAssistant(id: String) async throws -> Bool

    // MARK: threads

    /// Inserts the thread, or replaces the stored one with the same id.
    func saveThread(_ thread: AssistantThread) async throws
    func thread(id: String) async throws -> AssistantThread?
    /// Threads with their first user message, most recently used first.
    func recentThreads(limit: Int) async throws -> [ThreadListing]
    /// Deletes the thread with its messages, runs and steps; false when there was none.
    func deleteThread(id: String) async throws -> Bool

    // MARK: messages, runs and steps

    func message(id: String) async throws -> Message?
    /// One page of a thread's messages, only those of run `runID` when given.
    func messages(threadID: String, runID: String?, _ page: PageRequest) async throws -> Page<Message>
    /// The thread's first message from the user, if any.
    func firstUserMessage(threadID: String) async throws -> Message?
    func run(id: String) async throws -> Run?
    func runs(threadID: String, _ page: PageRequest) async throws -> Page<Run>
    /// The thread's runs that have not ended (not `RunStatus.terminal`), oldest first.
    func activeRuns(threadID: String) async throws -> [Run]
    func steps(runID: String, _ page: PageRequest) async throws -> Page<RunStep>
    func step(id: String) async throws -> RunStep?
    /// A run with everything a transition of it may change: its steps and its messages.
    func snapshot(runID: String) async throws -> RunSnapshot?
    /// Messages and tool steps of a thread interleaved in creation order: what a model sees.
    func timeline(threadID: String) async throws -> [TimelineItem]

    /// Every run not ended, on any thread, oldest first: what a restarted `serve` looks over.
    func allActiveRuns() async throws -> [Run]

    /// One page of `list` as the stored wire JSON of each object, for answers that send the
    /// objects as they are: decoding and encoding them again cost more than the read itself.
    /// Nil when the thread of the list does not exist (for steps: the run, on that thread), so
    /// that a store checks it in the same read.
    func wirePage(_ list: StoredList, _ page: PageRequest) async throws -> Page<WireObject>?

    /// Writes every object of `changes` in one transaction, or none of them. When
    /// `changes.expectation` is set and the run's stored status is not the expected one (another
    /// process moved it on), nothing is written and `StoreError.runChanged` is thrown; when
    /// `changes.idleThread` is set and another run of that thread is active,
    /// `StoreError.threadBusy`. The runs written take `changes.lease` when it is set.
    func commit(_ changes: StoreChanges) async throws

    // MARK: run leases

    /// Who holds the run and since when; nil when nobody does (or no such run).
    func lease(runID: String) async throws -> RunLease?
    /// Gives the run to `lease.owner` unless another owner holds it with a heartbeat at or
    /// after `lapsedBefore`, in one conditional write, so of two claimants one wins. True when
    /// `lease.owner` holds it now.
    func claimRun(id: String, lease: RunLease, lapsedBefore: Int64) async throws -> Bool
    /// Renews the heartbeat of the runs among `runIDs` that `owner` still holds; answers those.
    func renewLeases(owner: String, runIDs: [String], at now: Int64) async throws -> Set<String>
}

extension ThreadStore {
    /// The typed page, encoded: for a store that keeps no wire JSON to hand out.
    public func wirePage(_ list: StoredList, _ page: PageRequest) async throws -> Page<WireObject>? {
        switch list {
        case .assistants: return WireObject.page(try await assistants(page), id: \.id)
        case .messages(let threadID, let runID):
            guard try await thread(id: threadID) != nil else { return nil }
            return WireObject.page(try await messages(threadID: threadID, runID: runID, page), id: \.id)
        case .runs(let threadID):
            guard try await thread(id: threadID) != nil else { return nil }
            return WireObject.page(try await runs(threadID: threadID, page), id: \.id)
        case .steps(let threadID, let runID):
            guard try await run(id: runID)?.threadID == threadID else { return nil }
            return WireObject.page(try await steps(runID: runID, page), id: \.id)
        }
    }
}

/// A list the API pages through.
public enum StoredList: Sendable, Equatable {
    case assistants
    /// A thread's messages, only those of run `runID` when given.
    case messages(threadID: String, runID: String?)
    case runs(threadID: String)
    case steps(threadID: String, runID: String)
}

/// An object's id and its wire JSON text (an object, its members in any order).
public struct WireObject: Sendable, Equatable {
    public var id: String
    public var json: String

    public init(id: String, json: String) {
        self.id = id
        self.json = json
    }

    static func page<Item: Encodable>(_ page: Page<Item>, id: (Item) -> String) -> Page<WireObject> {
        Page(items: page.items.map { WireObject(id: id($0), json: WireCoding.jsonText($0)) }, hasMore: page.hasMore)
    }
}

/// `limit`, `order`, `after` and `before` of a list request, as the Assistants API takes them.
/// `after` pages forward in the requested order; `before` alone gives the items just before
/// the cursor, `hasMore` then saying whether more lie beyond them towards the start.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var ascending: Bool
    public var after: String?
    public var before: String?

    public init(limit: Int = 20, ascending: Bool = false, after: String? = nil, before: String? = nil) {
        self.limit = limit
        self.ascending = ascending
        self.after = after
        self.before = before
    }

    /// Every item, oldest first: for the callers that need a whole (small) collection.
    public static let all = PageRequest(limit: Int(Int32.max), ascending: true)
}

/// One page of a list, in the requested order.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// More items follow in the direction the page was read.
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }
}

/// A thread as `/threads` lists it.
public struct ThreadListing: Sendable {
    public var thread: AssistantThread
    public var firstUserMessage: Message?
}

/// A thread's history as the model sees it: messages and tool steps in order.
public enum TimelineItem: Sendable, Equatable {
    case message(TimelineMessage)
    case step(RunStep)
}

/// What a conversation needs of a message: who said what, and whether it was cut short. A store
/// reads these few fields without decoding every stored message whole, which dominated a turn
/// on a long thread.
public struct TimelineMessage: Sendable, Equatable {
    public var role: String
    public var text: String
    public var status: MessageStatus?

    public init(role: String, text: String, status: MessageStatus?) {
        self.role = role
        self.text = text
        self.status = status
    }

    public init(_ message: Message) {
        self.init(role: message.role, text: message.text, status: message.status)
    }
}

/// A stored run with its steps and messages, oldest first.
public struct RunSnapshot: Sendable, Equatable {
    public var run: Run
    public var steps: [RunStep]
    public var messages: [Message]

    public init(run: Run, steps: [RunStep] = [], messages: [Message] = []) {
        self.run = run
        self.steps = steps
        self.messages = messages
    }
}

/// The writes of one transition, committed together.
public struct StoreChanges: Sendable, Equatable {
    public var runs: [Run] = []
    public var steps: [RunStep] = []
    public var messages: [Message] = []
    /// The status the run must still have in the store for the writes to apply.
    public var expectation: RunExpectation?
    /// A thread that must have no active run besides those written here (a new message or run).
    public var idleThread: String?
    /// Taken on every run written: the process that creates a run holds it from the start.
    public var lease: RunLease?

    public init(runs: [Run] = [], steps: [RunStep] = [], messages: [Message] = []) {
        self.runs = runs
        self.steps = steps
        self.messages = messages
    }

    public var isEmpty: Bool { runs.isEmpty && steps.isEmpty && messages.isEmpty }
}

/// A run's status as a transition read it, checked again when the transition is written.
public struct RunExpectation: Sendable, Equatable {
    public var runID: String
    public var status: RunStatus

    public init(runID: String, status: RunStatus) {
        self.runID = runID
        self.status = status
    }
}

/// A store's refusal of a request.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// `after` or `before` names no object of the list.
    case unknownCursor(parameter: String, id: String)
    /// The run is no longer in the status a transition started from.
    case runChanged(id: String, expected: RunStatus, found: RunStatus?)
    /// The thread of `StoreChanges.idleThread` has the active run `runID`.
    case threadBusy(threadID: String, runID: String)

    public var description: String {
        switch self {
        case .unknownCursor(let parameter, let id): "Invalid '\(parameter)': no object with id '\(id)' in this list."
        case .runChanged(let id, let expected, let found):
            "Run \(id) changed while it was being updated (expected \(expected), found \(found?.rawValue ?? "none"))."
        case .threadBusy(let threadID, let runID): "Thread \(threadID) already has an active run \(runID)."
        }
    }
}
