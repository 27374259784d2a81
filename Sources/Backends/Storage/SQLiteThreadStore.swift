import AssistantsWire
import Foundation
import GRDB

/// `ThreadStore` in SQLite. Each object is stored whole as its wire JSON, with the columns
/// queries need beside it; `seq`, one counter shared by every table, orders them.
public final class SQLiteThreadStore: ThreadStore {
    private let database: DatabasePool

    /// Opens (creating with mode 0600, migrating) the database at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase.open(path: path)
    }

    // MARK: assistants

    public func saveAssistant(_ assistant: Assistant) async throws {
        try write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO assistants (id, created_at, seq, json) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET json = excluded.json
                    """
            ).execute(arguments: [
                assistant.id, assistant.createdAt, try SQLiteDatabase.nextSequence(db), WireCoding.jsonText(assistant),
            ])
        }
    }

    public func assistant(id: String) async throws -> Assistant? { try object(Assistant.self, table: "assistants", id: id) }

    public func assistants(_ page: PageRequest) async throws -> Page<Assistant> {
        try decodedPage(Assistant.self, Self.scope(of: .assistants), page)
    }

    public func assistant(matching wanted: Assistant) async throws -> Assistant? {
        // Assistants are few (one per configuration), and tools compare as decoded values.
        try objects(Assistant.self, "SELECT json FROM assistants ORDER BY seq").first {
            $0.model == wanted.model && $0.instructions == wanted.instructions && $0.tools == wanted.tools
                && $0.name == wanted.name
        }
    }

    public func deleteAssistant(id: String) async throws -> Bool {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM assistants WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: threads

    public func saveThread(_ thread: AssistantThread) async throws {
        try write { db in
            let seq = try SQLiteDatabase.nextSequence(db)
            try db.cachedStatement(
                sql: """
                    INSERT INTO threads (id, created_at, seq, updated_seq, json) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET json = excluded.json
                    """
            ).execute(arguments: [thread.id, thread.createdAt, seq, seq, WireCoding.jsonText(thread)])
        }
    }

    public func thread(id: String) async throws -> AssistantThread? {
        try object(AssistantThread.self, table: "threads", id: id)
    }

    public func recentThreads(limit: Int) async throws -> [ThreadListing] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT t.json AS thread,
                          (SELECT m.json FROM messages m WHERE m.thread_id = t.id AND m.role = 'user' ORDER BY m.seq LIMIT 1) AS first
                        FROM threads t ORDER BY t.updated_seq DESC LIMIT ?
                        """),
                arguments: [limit])
        }.map { row in
            let first: String? = row["first"]
            return ThreadListing(
                thread: try Self.decode(AssistantThread.self, row["thread"]),
                firstUserMessage: try first.map { try Self.decode(Message.self, $0) })
        }
    }

    public func deleteThread(id: String) async throws -> Bool {
        try write { db in
            for table in ["run_steps", "messages", "runs"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ?", arguments: [id])
            }
            try db.cachedStatement(sql: "DELETE FROM threads WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: messages, runs and steps

    public func message(id: String) async throws -> Message? { try object(Message.self, table: "messages", id: id) }

    public func messages(threadID: String, runID: String?, _ page: PageRequest) async throws -> Page<Message> {
        try decodedPage(Message.self, Self.scope(of: .messages(threadID: threadID, runID: runID)), page)
    }

    public func firstUserMessage(threadID: String) async throws -> Message? {
        try objects(
            Message.self, "SELECT json FROM messages WHERE thread_id = ? AND role = 'user' ORDER BY seq LIMIT 1", [threadID]
        ).first
    }

    public func run(id: String) async throws -> Run? { try object(Run.self, table: "runs", id: id) }

    public func runs(threadID: String, _ page: PageRequest) async throws -> Page<Run> {
        try decodedPage(Run.self, Self.scope(of: .runs(threadID: threadID)), page)
    }

    public func activeRuns(threadID: String) async throws -> [Run] {
        try objects(
            Run.self, "SELECT json FROM runs WHERE thread_id = ? AND status NOT IN \(Self.endedMarks) ORDER BY seq",
            StatementArguments([threadID] + Self.ended))
    }

    public func allActiveRuns() async throws -> [Run] {
        try objects(Run.self, "SELECT json FROM runs WHERE status NOT IN \(Self.endedMarks) ORDER BY seq", StatementArguments(Self.ended))
    }

    private static let ended = StoredObjects.endedStatuses
    private static let endedMarks = "(" + ended.map { _ in "?" }.joined(separator: ", ") + ")"

    public func steps(runID: String, _ page: PageRequest) async throws -> Page<RunStep> {
        try decodedPage(RunStep.self, Self.stepsScope(runID: runID), page)
    }

    public func step(id: String) async throws -> RunStep? { try object(RunStep.self, table: "run_steps", id: id) }

    public func snapshot(runID: String) async throws -> RunSnapshot? {
        try read { db in
            guard let json = try String.fetchOne(db.cachedStatement(sql: "SELECT json FROM runs WHERE id = ?"), arguments: [runID]) else {
                return nil
            }
            let steps = try String.fetchAll(
                db.cachedStatement(sql: "SELECT json FROM run_steps WHERE run_id = ? ORDER BY seq"), arguments: [runID])
            let messages = try String.fetchAll(
                db.cachedStatement(sql: "SELECT json FROM messages WHERE run_id = ? ORDER BY seq"), arguments: [runID])
            return RunSnapshot(
                run: try Self.decode(Run.self, json), steps: try steps.map { try Self.decode(RunStep.self, $0) },
                messages: try messages.map { try Self.decode(Message.self, $0) })
        }
    }

    public func timeline(threadID: String) async throws -> [TimelineItem] {
        // Messages from their text and status columns; only tool steps are decoded. A cursor,
        // read by column position: copying each row, or looking a column up by its name, cost
        // more than the rest of the read on a long thread.
        try read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT role, text, status, NULL, seq FROM messages WHERE thread_id = ?
                        UNION ALL SELECT NULL, NULL, NULL, json, seq FROM run_steps WHERE thread_id = ?
                        ORDER BY seq
                        """),
                arguments: [threadID, threadID])
            return try Array(
                rows.map { row -> TimelineItem in
                    if let step = row[3] as String? { return .step(try Self.decode(RunStep.self, step)) }
                    return .message(
                        TimelineMessage(role: row[0], text: row[1], status: (row[2] as String?).map(MessageStatus.init(rawValue:))))
                })
        }
    }

    // MARK: writing a transition

    public func commit(_ changes: StoreChanges) async throws {
        try write { db in
            if let expectation = changes.expectation {
                let found = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT status FROM runs WHERE id = ?"), arguments: [expectation.runID]
                )
                .map(RunStatus.init(rawValue:))
                guard found == expectation.status else {
                    throw StoreError.runChanged(id: expectation.runID, expected: expectation.status, found: found)
                }
            }
            if let threadID = changes.idleThread {
                let written = changes.runs.map(\.id)
                let marks = written.map { _ in "?" }.joined(separator: ", ")
                if let busy = try String.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT id FROM runs WHERE thread_id = ? AND status NOT IN \(Self.endedMarks)
                            AND id NOT IN (\(marks)) ORDER BY seq LIMIT 1
                            """),
                    arguments: StatementArguments([threadID] + Self.ended + written))
                {
                    throw StoreError.threadBusy(threadID: threadID, runID: busy)
                }
            }
            for run in changes.runs {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO runs (id, thread_id, seq, status, json, owner, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET json = excluded.json, status = excluded.status,
                          owner = COALESCE(excluded.owner, owner), heartbeat_at = COALESCE(excluded.heartbeat_at, heartbeat_at)
                        """
                ).execute(arguments: [
                    run.id, run.threadID, try SQLiteDatabase.nextSequence(db), run.status.rawValue, WireCoding.jsonText(run),
                    changes.lease?.owner, changes.lease?.heartbeatAt,
                ])
            }
            for step in changes.steps {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO run_steps (id, run_id, thread_id, seq, json) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET json = excluded.json
                        """
                ).execute(arguments: [
                    step.id, step.runID, step.threadID, try SQLiteDatabase.nextSequence(db), WireCoding.jsonText(step),
                ])
            }
            for message in changes.messages {
                let seq = try SQLiteDatabase.nextSequence(db)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO messages (id, thread_id, seq, role, run_id, json, text, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET json = excluded.json, run_id = excluded.run_id, text = excluded.text,
                          status = excluded.status
                        """
                ).execute(arguments: [
                    message.id, message.threadID, seq, message.role, message.runID, WireCoding.jsonText(message), message.text,
                    message.status?.rawValue,
                ])
                // A message marks its thread as recently used.
                try db.cachedStatement(sql: "UPDATE threads SET updated_seq = ? WHERE id = ?").execute(arguments: [seq, message.threadID])
            }
        }
    }

    // MARK: run leases

    public func lease(runID: String) async throws -> RunLease? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT owner, heartbeat_at FROM runs WHERE id = ?"), arguments: [runID]),
                let owner: String = row["owner"], let heartbeat: Int64 = row["heartbeat_at"]
            else { return nil }
            return RunLease(owner: owner, heartbeatAt: heartbeat)
        }
    }

    public func claimRun(id: String, lease: RunLease, lapsedBefore: Int64) async throws -> Bool {
        try write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE runs SET owner = ?, heartbeat_at = ?
                    WHERE id = ? AND (owner IS NULL OR owner = ? OR heartbeat_at IS NULL OR heartbeat_at < ?)
                    """
            ).execute(arguments: [lease.owner, lease.heartbeatAt, id, lease.owner, lapsedBefore])
            return db.changesCount > 0
        }
    }

    public func renewLeases(owner: String, runIDs: [String], at now: Int64) async throws -> Set<String> {
        guard !runIDs.isEmpty else { return [] }
        let marks = runIDs.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [now, owner]
        arguments += StatementArguments(runIDs)
        return try write { db in
            Set(
                // Not cached: the list of ids has any length.
                try String.fetchAll(
                    db, sql: "UPDATE runs SET heartbeat_at = ? WHERE owner = ? AND id IN (\(marks)) RETURNING id", arguments: arguments))
        }
    }

    // MARK: reading

    /// GRDB's synchronous accessors: a local SQLite call is short, and unlike the async ones it
    /// also completes in a cancelled task (a run's last transition is written while its task is
    /// being cancelled).
    /// Statements go through each connection's cache (`cachedStatement`): compiling the SQL
    /// again cost a run more than executing it.
    private func write<T>(_ body: (Database) throws -> T) throws -> T { try database.write(body) }
    private func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try StoredObjects.decode(type, json)
    }

    /// The objects whose JSON `sql` selects as its one column.
    private func objects<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: StatementArguments = []) throws -> [T] {
        try read { db in try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments) }
            .map { try Self.decode(type, $0) }
    }

    private func object<T: Decodable>(_ type: T.Type, table: String, id: String) throws -> T? {
        try objects(type, "SELECT json FROM \(table) WHERE id = ?", [id]).first
    }

    public func wirePage(_ list: StoredList, _ page: PageRequest) async throws -> Page<WireObject>? {
        let owner = Self.owner(of: list)
        return try read { db in
            // The owner in the same read as the page: one hop to the reader, and nothing decoded.
            if let owner, try Int64.fetchOne(db.cachedStatement(sql: owner.sql), arguments: StatementArguments(owner.arguments)) == nil {
                return nil
            }
            return try Self.page(db, Self.scope(of: list), page)
        }
    }

    private func decodedPage<T: Decodable & Sendable>(_ type: T.Type, _ scope: ListScope, _ request: PageRequest) throws -> Page<T> {
        let page = try read { db in try Self.page(db, scope, request) }
        return Page(items: try page.items.map { try Self.decode(type, $0.json) }, hasMore: page.hasMore)
    }

    /// The table of a list and the condition (with its arguments) that selects its rows.
    private typealias ListScope = (table: String, condition: String, arguments: [String])

    private static func scope(of list: StoredList) -> ListScope {
        switch list {
        case .assistants: ("assistants", "1", [])
        case .messages(let threadID, nil): ("messages", "thread_id = ?", [threadID])
        case .messages(let threadID, let runID?): ("messages", "thread_id = ? AND run_id = ?", [threadID, runID])
        case .runs(let threadID): ("runs", "thread_id = ?", [threadID])
        case .steps(_, let runID): stepsScope(runID: runID)
        }
    }

    /// The query that finds the thread (or for steps, the run on its thread) a list belongs to.
    private static func owner(of list: StoredList) -> (sql: String, arguments: [String])? {
        switch list {
        case .assistants: nil
        case .messages(let threadID, _), .runs(let threadID): ("SELECT 1 FROM threads WHERE id = ?", [threadID])
        case .steps(let threadID, let runID): ("SELECT 1 FROM runs WHERE id = ? AND thread_id = ?", [runID, threadID])
        }
    }

    /// A run's steps are all of its thread: the run id alone selects them.
    private static func stepsScope(runID: String) -> ListScope { ("run_steps", "run_id = ?", [runID]) }

    /// One page of `list`, by keyset on `seq`: the cursors are looked up (within the list) and
    /// the page is read with `LIMIT`, one row more to learn `hasMore`. Rows are read through a
    /// cursor by column position, without copying them.
    private static func page(_ db: Database, _ listScope: ListScope, _ request: PageRequest) throws -> Page<WireObject> {
        let (table, scope, scopeArguments) = listScope
        let keyset = KeysetPage(request: request)
        func seq(of id: String?, _ parameter: String) throws -> Int64? {
            guard let id else { return nil }
            guard
                let seq = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT seq FROM \(table) WHERE id = ? AND \(scope)"),
                    arguments: StatementArguments([id] + scopeArguments))
            else { throw StoreError.unknownCursor(parameter: parameter, id: id) }
            return seq
        }
        var conditions = [scope]
        var arguments = StatementArguments(scopeArguments)
        if let after = try seq(of: request.after, "after") {
            conditions.append("seq \(keyset.afterComparison) ?")
            arguments += [after]
        }
        if let before = try seq(of: request.before, "before") {
            conditions.append("seq \(keyset.beforeComparison) ?")
            arguments += [before]
        }
        arguments += [keyset.readLimit]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT id, json FROM \(table) WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq \(keyset.readOrder) LIMIT ?"
            ),
            arguments: arguments)
        return keyset.page(rows: try Array(rows.map { WireObject(id: $0[0], json: $0[1]) }))
    }
}
