import AssistantsWire
import Foundation
import GRDB

/// SQLite persistence of assistants, threads, messages, runs and run steps. Each object is
/// stored whole as its wire JSON, with the columns queries need beside it.
final class LocalStore: Sendable {
    fileprivate let database: DatabaseQueue

    /// Opens (creating with mode 0600) the database at `path`.
    init(path: String) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try manager.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE assistants (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE threads (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, seq INTEGER NOT NULL, updated_seq INTEGER NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE messages (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, seq INTEGER NOT NULL, role TEXT NOT NULL, run_id TEXT, json TEXT NOT NULL);
                    CREATE INDEX messages_by_thread ON messages(thread_id, seq);
                    CREATE TABLE runs (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE, seq INTEGER NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL);
                    CREATE INDEX runs_by_thread ON runs(thread_id, seq);
                    CREATE TABLE run_steps (id TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, thread_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
                    CREATE INDEX steps_by_run ON run_steps(run_id, seq);
                    CREATE INDEX steps_by_thread ON run_steps(thread_id, seq);
                    """)
        }
        migrator.registerMigration("v2-remote") { db in
            try db.execute(
                sql: """
                    CREATE TABLE remote_threads (id TEXT NOT NULL, base_url TEXT NOT NULL, created_at INTEGER NOT NULL, title TEXT, updated_seq INTEGER NOT NULL, PRIMARY KEY (base_url, id));
                    CREATE TABLE remote_assistants (base_url TEXT NOT NULL, fingerprint TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (base_url, fingerprint));
                    """)
        }
        // One counter row instead of a MAX over every table on each write, which scanned
        // tables whose indexes do not lead with seq.
        migrator.registerMigration("v3-sequence") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO sequence (id, value) SELECT 1, COALESCE(MAX(m), 0) FROM (
                        SELECT MAX(seq) AS m FROM assistants UNION ALL SELECT MAX(updated_seq) FROM threads
                        UNION ALL SELECT MAX(seq) FROM messages UNION ALL SELECT MAX(seq) FROM runs
                        UNION ALL SELECT MAX(seq) FROM run_steps UNION ALL SELECT MAX(updated_seq) FROM remote_threads);
                    """)
        }
        migrator.registerMigration("v3-remote-partial") { db in
            try db.execute(
                sql: "CREATE TABLE remote_partial_items (base_url TEXT NOT NULL, item_id TEXT NOT NULL, PRIMARY KEY (base_url, item_id));")
        }
        return migrator
    }

    /// The next value of the global order shared by every table (creation order).
    private func nextSeq(_ db: Database) throws -> Int64 {
        guard let next = try Int64.fetchOne(db, sql: "UPDATE sequence SET value = value + 1 WHERE id = 1 RETURNING value")
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the sequence row is missing") }
        return next
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try WireCoding.decoder().decode(type, from: Data(json.utf8))
    }

    /// The objects whose JSON `sql` selects as its one column.
    private func objects<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: StatementArguments = []) throws -> [T] {
        try database.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
            .map { try Self.decode(type, $0) }
    }

    private func object<T: Decodable>(_ type: T.Type, table: String, id: String) throws -> T? {
        try objects(type, "SELECT json FROM \(table) WHERE id = ?", [id]).first
    }

    /// Runs an insert-or-update; `arguments` receives the next sequence number for new rows.
    fileprivate func upsert(_ sql: String, _ arguments: (Int64) -> StatementArguments) throws {
        try database.write { db in try db.execute(sql: sql, arguments: arguments(try nextSeq(db))) }
    }

    private func delete(from table: String, id: String) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: assistants

    func saveAssistant(_ assistant: Assistant) throws {
        try upsert(
            """
            INSERT INTO assistants (id, created_at, seq, json) VALUES (?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET json = excluded.json
            """
        ) { [assistant.id, assistant.createdAt, $0, WireCoding.jsonText(assistant)] }
    }

    func assistant(id: String) throws -> Assistant? { try object(Assistant.self, table: "assistants", id: id) }

    /// All assistants in creation order.
    func assistants() throws -> [Assistant] {
        try objects(Assistant.self, "SELECT json FROM assistants ORDER BY seq")
    }

    func deleteAssistant(id: String) throws -> Bool { try delete(from: "assistants", id: id) }

    // MARK: threads

    func saveThread(_ thread: AssistantThread) throws {
        try upsert(
            """
            INSERT INTO threads (id, created_at, seq, updated_seq, json) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET json = excluded.json
            """
        ) { [thread.id, thread.createdAt, $0, $0, WireCoding.jsonText(thread)] }
    }

    func thread(id: String) throws -> AssistantThread? { try object(AssistantThread.self, table: "threads", id: id) }

    /// Threads with their first user message, most recently used first.
    func recentThreads(limit: Int) throws -> [(thread: AssistantThread, firstUserMessage: Message?)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.json AS thread,
                      (SELECT m.json FROM messages m WHERE m.thread_id = t.id AND m.role = 'user' ORDER BY m.seq LIMIT 1) AS first
                    FROM threads t ORDER BY t.updated_seq DESC LIMIT ?
                    """,
                arguments: [limit])
        }.map { row in
            let first: String? = row["first"]
            return (try Self.decode(AssistantThread.self, row["thread"]), try first.map { try Self.decode(Message.self, $0) })
        }
    }

    func deleteThread(id: String) throws -> Bool {
        try database.write { db in
            for table in ["run_steps", "messages", "runs"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE thread_id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM threads WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: messages

    /// Inserts or updates a message; a new message marks its thread as recently used.
    func saveMessage(_ message: Message) throws {
        try database.write { db in
            let seq = try nextSeq(db)
            try db.execute(
                sql: """
                    INSERT INTO messages (id, thread_id, seq, role, run_id, json) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET json = excluded.json, run_id = excluded.run_id
                    """,
                arguments: [message.id, message.threadID, seq, message.role, message.runID, WireCoding.jsonText(message)])
            try db.execute(sql: "UPDATE threads SET updated_seq = ? WHERE id = ?", arguments: [seq, message.threadID])
        }
    }

    func message(id: String) throws -> Message? { try object(Message.self, table: "messages", id: id) }

    /// Messages of a thread in creation order.
    func messages(threadID: String) throws -> [Message] {
        try objects(Message.self, "SELECT json FROM messages WHERE thread_id = ? ORDER BY seq", [threadID])
    }

    // MARK: runs and steps

    func saveRun(_ run: Run) throws {
        try upsert(
            """
            INSERT INTO runs (id, thread_id, seq, status, json) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET json = excluded.json, status = excluded.status
            """
        ) { [run.id, run.threadID, $0, run.status.rawValue, WireCoding.jsonText(run)] }
    }

    func run(id: String) throws -> Run? { try object(Run.self, table: "runs", id: id) }

    /// Runs of a thread in creation order.
    func runs(threadID: String) throws -> [Run] {
        try objects(Run.self, "SELECT json FROM runs WHERE thread_id = ? ORDER BY seq", [threadID])
    }

    func saveStep(_ step: RunStep) throws {
        try upsert(
            """
            INSERT INTO run_steps (id, run_id, thread_id, seq, json) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET json = excluded.json
            """
        ) { [step.id, step.runID, step.threadID, $0, WireCoding.jsonText(step)] }
    }

    /// Steps of a run in creation order.
    func steps(runID: String) throws -> [RunStep] {
        try objects(RunStep.self, "SELECT json FROM run_steps WHERE run_id = ? ORDER BY seq", [runID])
    }

    /// Messages and tool steps of a thread interleaved in creation order.
    func timeline(threadID: String) throws -> [TimelineItem] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT 'message' AS kind, json, seq FROM messages WHERE thread_id = ?
                    UNION ALL SELECT 'step', json, seq FROM run_steps WHERE thread_id = ?
                    ORDER BY seq
                    """,
                arguments: [threadID, threadID])
        }.map { row in
            let kind: String = row["kind"]
            let json: String = row["json"]
            return kind == "message" ? .message(try Self.decode(Message.self, json)) : .step(try Self.decode(RunStep.self, json))
        }
    }
}

// MARK: threads and assistants that live on a remote server, remembered per base URL

extension LocalStore {
    /// Remembers a thread created on the server at `baseURL`.
    func rememberRemoteThread(baseURL: String, id: String, createdAt: Int) throws {
        try upsert(
            "INSERT INTO remote_threads (id, base_url, created_at, updated_seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
        ) { [id, baseURL, createdAt, $0] }
    }

    /// Marks the thread as just used; the first user line becomes its title.
    func touchRemoteThread(baseURL: String, id: String, userLine: String) throws {
        try upsert(
            "UPDATE remote_threads SET updated_seq = ?, title = COALESCE(title, ?) WHERE base_url = ? AND id = ?"
        ) { [$0, userLine, baseURL, id] }
    }

    func remoteThreads(baseURL: String, limit: Int) throws -> [(id: String, createdAt: Int, title: String?)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, created_at, title FROM remote_threads WHERE base_url = ? ORDER BY updated_seq DESC LIMIT ?",
                arguments: [baseURL, limit])
        }.map { ($0["id"], $0["created_at"], $0["title"]) }
    }

    func remoteThreadTitle(baseURL: String, id: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT title FROM remote_threads WHERE base_url = ? AND id = ?", arguments: [baseURL, id])
        }
    }

    func forgetRemoteThread(baseURL: String, id: String) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM remote_threads WHERE base_url = ? AND id = ?", arguments: [baseURL, id])
        }
    }

    /// Marks a conversation item on `baseURL` as a reply cut short (cancelled).
    func rememberPartialItem(baseURL: String, id: String) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO remote_partial_items (base_url, item_id) VALUES (?, ?)", arguments: [baseURL, id])
        }
    }

    /// The items on `baseURL` marked as cut short.
    func partialItems(baseURL: String) throws -> Set<String> {
        try database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT item_id FROM remote_partial_items WHERE base_url = ?", arguments: [baseURL]))
        }
    }

    /// The assistant created on `baseURL` from the definition with this fingerprint.
    func remoteAssistant(baseURL: String, fingerprint: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT id FROM remote_assistants WHERE base_url = ? AND fingerprint = ?",
                arguments: [baseURL, fingerprint])
        }
    }

    func rememberRemoteAssistant(baseURL: String, fingerprint: String, id: String) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO remote_assistants (base_url, fingerprint, id) VALUES (?, ?, ?)",
                arguments: [baseURL, fingerprint, id])
        }
    }
}

/// A thread's history as the model sees it: messages and tool steps in order.
enum TimelineItem {
    case message(Message)
    case step(RunStep)
}
