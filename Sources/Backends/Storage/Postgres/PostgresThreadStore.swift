import AssistantsWire
import Foundation
import Logging
import PostgresNIO

/// `ThreadStore` in PostgreSQL, for several `serve` instances (and REPLs) sharing threads. The
/// tables and their meaning are SQLite's (`SQLiteThreadStore`): each object stored whole as its
/// wire JSON (`TEXT`, so it comes back byte for byte), ordered by `seq` from one sequence. Every
/// value reaches the server as a bound parameter; only table and column names are in the SQL text.
///
/// Where SQLite has one writer at a time, here transactions run at once, so `commit` locks what
/// it checks: the run of its `RunExpectation` and the thread of its `idleThread`
/// (`SELECT … FOR NO KEY UPDATE`), so of two instances moving one run or starting runs on one
/// thread, the second sees what the first wrote.
public final class PostgresThreadStore: ThreadStore {
    private let client: PostgresClient
    /// Runs the connection pool for as long as the store lives.
    private let pool: Task<Void, Never>
    /// Where the store is, as messages show it (without the password).
    public let location: String

    private static let logger = Logger(label: "threadline.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(client: PostgresClient, location: String) {
        self.client = client
        self.location = location
        pool = Task { await client.run() }
    }

    deinit { pool.cancel() }

    /// Connects to `url` and applies the migrations the database lacks, over one connection
    /// first, so an unreachable server or a refused login is one clear error at start.
    public static func open(_ url: PostgresURL, maximumConnections: Int = 20) async throws -> PostgresThreadStore {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            do {
                _ = try await unwrappingTransactionError { try await PostgresSchema.migrate(connection, logger: logger) }
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw PostgresStoreError(location: url.description, error)
        }
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = maximumConnections
        return PostgresThreadStore(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), location: url.description)
    }

    // MARK: assistants

    public func saveAssistant(_ assistant: Assistant) async throws {
        try await execute(
            """
            INSERT INTO assistants (id, created_at, seq, json) VALUES (\(assistant.id), \(assistant.createdAt), nextval('threadline_seq'), \(WireCoding.jsonText(assistant)))
            ON CONFLICT (id) DO UPDATE SET json = excluded.json
            """)
    }

    public func assistant(id: String) async throws -> Assistant? { try await object(Assistant.self, table: "assistants", id: id) }

    public func assistants(_ page: PageRequest) async throws -> Page<Assistant> {
        try await self.page(Assistant.self, from: "assistants", scope: [], page)
    }

    public func assistant(matching wanted: Assistant) async throws -> Assistant? {
        // Assistants are few (one per configuration), and tools compare as decoded values.
        try await objects(Assistant.self, "SELECT json FROM assistants ORDER BY seq").first {
            $0.model == wanted.model && $0.instructions == wanted.instructions && $0.tools == wanted.tools
                && $0.name == wanted.name
        }
    }

    public func deleteAssistant(id: String) async throws -> Bool {
        try await !strings("DELETE FROM assistants WHERE id = \(id) RETURNING id").isEmpty
    }

    // MARK: threads

    public func saveThread(_ thread: AssistantThread) async throws {
        try await execute(
            """
            WITH next AS (SELECT nextval('threadline_seq') AS seq)
            INSERT INTO threads (id, created_at, seq, updated_seq, json)
            SELECT \(thread.id), \(thread.createdAt), seq, seq, \(WireCoding.jsonText(thread)) FROM next
            ON CONFLICT (id) DO UPDATE SET json = excluded.json
            """)
    }

    public func thread(id: String) async throws -> AssistantThread? {
        try await object(AssistantThread.self, table: "threads", id: id)
    }

    public func recentThreads(limit: Int) async throws -> [ThreadListing] {
        let rows = try await rows(
            """
            SELECT t.json,
              (SELECT m.json FROM messages m WHERE m.thread_id = t.id AND m.role = 'user' ORDER BY m.seq LIMIT 1)
            FROM threads t ORDER BY t.updated_seq DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            let (thread, first) = try row.decode((String, String?).self)
            return ThreadListing(
                thread: try StoredObjects.decode(AssistantThread.self, thread),
                firstUserMessage: try first.map { try StoredObjects.decode(Message.self, $0) })
        }
    }

    public func deleteThread(id: String) async throws -> Bool {
        try await transaction { connection in
            for table in ["run_steps", "messages", "runs"] {
                try await connection.query("DELETE FROM \(unescaped: table) WHERE thread_id = \(id)", logger: Self.logger)
            }
            return try await !Self.strings(connection.query("DELETE FROM threads WHERE id = \(id) RETURNING id", logger: Self.logger))
                .isEmpty
        }
    }

    // MARK: messages, runs and steps

    public func message(id: String) async throws -> Message? { try await object(Message.self, table: "messages", id: id) }

    public func messages(threadID: String, runID: String?, _ page: PageRequest) async throws -> Page<Message> {
        var scope = [(column: "thread_id", value: threadID)]
        if let runID { scope.append((column: "run_id", value: runID)) }
        return try await self.page(Message.self, from: "messages", scope: scope, page)
    }

    public func firstUserMessage(threadID: String) async throws -> Message? {
        try await objects(
            Message.self, "SELECT json FROM messages WHERE thread_id = \(threadID) AND role = 'user' ORDER BY seq LIMIT 1"
        ).first
    }

    public func run(id: String) async throws -> Run? { try await object(Run.self, table: "runs", id: id) }

    public func runs(threadID: String, _ page: PageRequest) async throws -> Page<Run> {
        try await self.page(Run.self, from: "runs", scope: [(column: "thread_id", value: threadID)], page)
    }

    public func activeRuns(threadID: String) async throws -> [Run] {
        try await objects(
            Run.self,
            "SELECT json FROM runs WHERE thread_id = \(threadID) AND status <> ALL(\(StoredObjects.endedStatuses)) ORDER BY seq")
    }

    public func allActiveRuns() async throws -> [Run] {
        try await objects(Run.self, "SELECT json FROM runs WHERE status <> ALL(\(StoredObjects.endedStatuses)) ORDER BY seq")
    }

    public func steps(runID: String, _ page: PageRequest) async throws -> Page<RunStep> {
        try await self.page(RunStep.self, from: "run_steps", scope: [(column: "run_id", value: runID)], page)
    }

    public func step(id: String) async throws -> RunStep? { try await object(RunStep.self, table: "run_steps", id: id) }

    public func snapshot(runID: String) async throws -> RunSnapshot? {
        // One transaction: the run, its steps and its messages as of one moment.
        let jsons = try await transaction { connection -> (String, [String], [String])? in
            guard let run = try await Self.strings(connection.query("SELECT json FROM runs WHERE id = \(runID)", logger: Self.logger)).first
            else { return nil }
            let steps = try await Self.strings(
                connection.query("SELECT json FROM run_steps WHERE run_id = \(runID) ORDER BY seq", logger: Self.logger))
            let messages = try await Self.strings(
                connection.query("SELECT json FROM messages WHERE run_id = \(runID) ORDER BY seq", logger: Self.logger))
            return (run, steps, messages)
        }
        guard let (run, steps, messages) = jsons else { return nil }
        return RunSnapshot(
            run: try StoredObjects.decode(Run.self, run), steps: try steps.map { try StoredObjects.decode(RunStep.self, $0) },
            messages: try messages.map { try StoredObjects.decode(Message.self, $0) })
    }

    public func timeline(threadID: String) async throws -> [TimelineItem] {
        // Messages from their text and status columns, as in SQLite; only tool steps are decoded.
        let rows = try await rows(
            """
            SELECT role, text, status, NULL::text, seq FROM messages WHERE thread_id = \(threadID)
            UNION ALL SELECT NULL, NULL, NULL, json, seq FROM run_steps WHERE thread_id = \(threadID)
            ORDER BY seq
            """)
        return try rows.map { row in
            let (role, text, status, step, _) = try row.decode((String?, String?, String?, String?, Int64).self)
            if let step { return .step(try StoredObjects.decode(RunStep.self, step)) }
            return .message(TimelineMessage(role: role ?? "", text: text ?? "", status: status.map(MessageStatus.init(rawValue:))))
        }
    }

    // MARK: writing a transition

    public func commit(_ changes: StoreChanges) async throws {
        try await transaction { connection in
            if let expectation = changes.expectation {
                // Locked until the end of the transaction: another instance's transition of this run waits here.
                let found = try await Self.strings(
                    connection.query("SELECT status FROM runs WHERE id = \(expectation.runID) FOR NO KEY UPDATE", logger: Self.logger)
                ).first.map(RunStatus.init(rawValue:))
                guard found == expectation.status else {
                    throw StoreError.runChanged(id: expectation.runID, expected: expectation.status, found: found)
                }
            }
            if let threadID = changes.idleThread {
                // New messages and runs of one thread go in one after the other.
                try await connection.query("SELECT id FROM threads WHERE id = \(threadID) FOR NO KEY UPDATE", logger: Self.logger)
                let written = changes.runs.map(\.id)
                if let busy = try await Self.strings(
                    connection.query(
                        """
                        SELECT id FROM runs WHERE thread_id = \(threadID) AND status <> ALL(\(StoredObjects.endedStatuses))
                        AND id <> ALL(\(written)) ORDER BY seq LIMIT 1
                        """, logger: Self.logger)
                ).first {
                    throw StoreError.threadBusy(threadID: threadID, runID: busy)
                }
            }
            for run in changes.runs {
                try await connection.query(
                    """
                    INSERT INTO runs (id, thread_id, seq, status, json, owner, heartbeat_at)
                    VALUES (\(run.id), \(run.threadID), nextval('threadline_seq'), \(run.status.rawValue), \(WireCoding.jsonText(run)),
                      \(changes.lease?.owner), \(changes.lease?.heartbeatAt))
                    ON CONFLICT (id) DO UPDATE SET json = excluded.json, status = excluded.status,
                      owner = COALESCE(excluded.owner, runs.owner), heartbeat_at = COALESCE(excluded.heartbeat_at, runs.heartbeat_at)
                    """, logger: Self.logger)
            }
            for step in changes.steps {
                try await connection.query(
                    """
                    INSERT INTO run_steps (id, run_id, thread_id, seq, json)
                    VALUES (\(step.id), \(step.runID), \(step.threadID), nextval('threadline_seq'), \(WireCoding.jsonText(step)))
                    ON CONFLICT (id) DO UPDATE SET json = excluded.json
                    """, logger: Self.logger)
            }
            for message in changes.messages {
                // A message marks its thread as recently used.
                try await connection.query(
                    """
                    WITH written AS (
                      INSERT INTO messages (id, thread_id, seq, role, run_id, json, text, status)
                      VALUES (\(message.id), \(message.threadID), nextval('threadline_seq'), \(message.role), \(message.runID),
                        \(WireCoding.jsonText(message)), \(message.text), \(message.status?.rawValue))
                      ON CONFLICT (id) DO UPDATE SET json = excluded.json, run_id = excluded.run_id, text = excluded.text,
                        status = excluded.status
                      RETURNING thread_id)
                    UPDATE threads SET updated_seq = nextval('threadline_seq') WHERE id IN (SELECT thread_id FROM written)
                    """, logger: Self.logger)
            }
        }
    }

    // MARK: run leases

    public func lease(runID: String) async throws -> RunLease? {
        guard let row = try await rows("SELECT owner, heartbeat_at FROM runs WHERE id = \(runID)").first else { return nil }
        let (owner, heartbeat) = try row.decode((String?, Int64?).self)
        guard let owner, let heartbeat else { return nil }
        return RunLease(owner: owner, heartbeatAt: heartbeat)
    }

    public func claimRun(id: String, lease: RunLease, lapsedBefore: Int64) async throws -> Bool {
        try await !strings(
            """
            UPDATE runs SET owner = \(lease.owner), heartbeat_at = \(lease.heartbeatAt)
            WHERE id = \(id) AND (owner IS NULL OR owner = \(lease.owner) OR heartbeat_at IS NULL OR heartbeat_at < \(lapsedBefore))
            RETURNING id
            """
        ).isEmpty
    }

    public func renewLeases(owner: String, runIDs: [String], at now: Int64) async throws -> Set<String> {
        guard !runIDs.isEmpty else { return [] }
        return Set(
            try await strings("UPDATE runs SET heartbeat_at = \(now) WHERE owner = \(owner) AND id = ANY(\(runIDs)) RETURNING id"))
    }

    // MARK: querying

    /// Runs `body` in a task of its own, so a call made from a cancelled task (a run's last
    /// transition is written while its executor is being cancelled) still completes, as the
    /// SQLite store's synchronous calls do; the server's errors become `PostgresStoreError`.
    private func shielded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let location = location
        return try await Task {
            do {
                return try await body()
            } catch let error as PSQLError {
                throw PostgresStoreError(location: location, error)
            }
        }.value
    }

    /// Runs `body` in one transaction on a pooled connection. A deadlock or serialization
    /// failure (two instances' transactions crossing) is retried, up to three times in all.
    private func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await shielded { [client] in
            var attempt = 1
            while true {
                do {
                    return try await Self.unwrappingTransactionError {
                        try await client.withTransaction(logger: Self.logger) { try await body($0) }
                    }
                } catch let error as PSQLError where attempt < 3 && Self.isRetryable(error) {
                    attempt += 1
                }
            }
        }
    }

    /// The error of the work done in a transaction, rather than postgres-nio's wrapper of it.
    private static func unwrappingTransactionError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
        }
    }

    /// 40P01 deadlock detected, 40001 serialization failure.
    private static func isRetryable(_ error: PSQLError) -> Bool {
        ["40P01", "40001"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    private func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    private func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await shielded { [client] in try await client.query(query, logger: Self.logger).collect() }
    }

    private func strings(_ query: PostgresQuery) async throws -> [String] {
        try await rows(query).map { try $0.decode(String.self) }
    }

    private static func strings(_ rows: PostgresRowSequence) async throws -> [String] {
        var values: [String] = []
        for try await value in rows.decode(String.self) { values.append(value) }
        return values
    }

    /// The objects whose JSON `query` selects as its one column.
    private func objects<T: Decodable>(_ type: T.Type, _ query: PostgresQuery) async throws -> [T] {
        try await strings(query).map { try StoredObjects.decode(type, $0) }
    }

    private func object<T: Decodable>(_ type: T.Type, table: String, id: String) async throws -> T? {
        try await objects(type, "SELECT json FROM \(unescaped: table) WHERE id = \(id)").first
    }

    /// One page of `table`'s rows whose `scope` columns hold the given values, by keyset on `seq`
    /// (`KeysetPage`); the cursors are looked up within the scope.
    private func page<T: Decodable & Sendable>(
        _ type: T.Type, from table: String, scope: [(column: String, value: String)], _ request: PageRequest
    ) async throws -> Page<T> {
        let keyset = KeysetPage(request: request)
        var binds = PostgresBindings()
        /// The scope's conditions, its values bound after those already in `binds`.
        func scoped(_ binds: inout PostgresBindings) -> [String] {
            scope.map { column, value in
                binds.append(value)
                return "\(column) = $\(binds.count)"
            }
        }
        func seq(of id: String?, _ parameter: String) async throws -> Int64? {
            guard let id else { return nil }
            var cursorBinds = PostgresBindings()
            cursorBinds.append(id)
            let conditions = ["id = $1"] + scoped(&cursorBinds)
            let sql = "SELECT seq FROM \(table) WHERE \(conditions.joined(separator: " AND "))"
            guard let row = try await rows(PostgresQuery(unsafeSQL: sql, binds: cursorBinds)).first else {
                throw StoreError.unknownCursor(parameter: parameter, id: id)
            }
            return try row.decode(Int64.self)
        }
        var conditions = scoped(&binds)
        if let after = try await seq(of: request.after, "after") {
            binds.append(after)
            conditions.append("seq \(keyset.afterComparison) $\(binds.count)")
        }
        if let before = try await seq(of: request.before, "before") {
            binds.append(before)
            conditions.append("seq \(keyset.beforeComparison) $\(binds.count)")
        }
        binds.append(keyset.readLimit)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT json FROM \(table) \(filter) ORDER BY seq \(keyset.readOrder) LIMIT $\(binds.count)"
        return try keyset.page(type, rows: try await strings(PostgresQuery(unsafeSQL: sql, binds: binds)))
    }
}

/// A PostgreSQL failure, told in one line: where (the URL without its password) and the
/// server's or the connection's reason.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String

    init(location: String, _ error: any Error) {
        if let error = error as? PostgresStoreError {
            description = error.description
        } else {
            description = "PostgreSQL at \(location): \(Self.reason(error))"
        }
    }

    /// The server's message when it sent one, else what failed on the way to it.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        switch error.code {
        case .sslUnsupported: return "the server does not offer TLS, which sslmode asks for"
        case .connectionError, .failedToAddSSLHandler: return error.underlying.map { "cannot connect: \($0)" } ?? "cannot connect"
        case .serverClosedConnection: return "the server closed the connection"
        case .authMechanismRequiresPassword: return "the server asks for a password and the URL has none"
        default: return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
        }
    }
}
