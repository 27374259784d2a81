import AssistantsWire
import Foundation
import GRDB
import ThreadlineCore

/// Threadline's SQLite file: created with mode 0600, opened as a GRDB `DatabasePool` in WAL mode
/// (readers never wait for the writer, so the REPL and `serve` can share the file), and
/// migrated to the current schema. The engine's store and the remote bookkeeping both live here.
enum SQLiteDatabase {
    /// Opens (creating) the database at `path`. Creating, opening and migrating happen under an
    /// exclusive lock shared by every process, so first starts at once on an empty directory do
    /// not race each other's migrations.
    static func open(path: String) throws -> DatabasePool {
        try StateDirectory.create((path as NSString).deletingLastPathComponent)
        return try withExclusiveLock(beside: path) {
            // O_CREAT without O_EXCL: never replaces a file another process already created.
            let created = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard created >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            close(created)
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let pool = try DatabasePool(path: path, configuration: configuration)
            try migrator.migrate(pool)
            return pool
        }
    }

    /// Runs `body` holding `flock` on `PATH.lock` (mode 0600). Not on the database file itself:
    /// closing any second descriptor of that file would drop SQLite's own POSIX locks.
    private static func withExclusiveLock<T>(beside path: String, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let descriptor = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: lockPath]) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: lockPath]) }
        }
        return try body()
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
        // Keyset pages and the lookups a run transition makes, without scanning a thread.
        migrator.registerMigration("v4-indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX messages_by_run ON messages(run_id, seq);
                    CREATE INDEX runs_by_status ON runs(thread_id, status);
                    CREATE INDEX threads_by_use ON threads(updated_seq);
                    CREATE INDEX assistants_by_seq ON assistants(seq);
                    """)
        }
        // Runs held by a process: its name and its last heartbeat (ms), so an orphan is found.
        migrator.registerMigration("v5-run-leases") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN owner TEXT; ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;")
        }
        // A message's text and status beside its JSON: a turn and /history read a whole thread,
        // and decoding (or even json_extract on) every stored message dominated both.
        migrator.registerMigration("v6-message-text") { db in
            try db.execute(
                sql: "ALTER TABLE messages ADD COLUMN text TEXT NOT NULL DEFAULT ''; ALTER TABLE messages ADD COLUMN status TEXT;")
            let stored = try Row.fetchCursor(db, sql: "SELECT id, json FROM messages")
            while let row = try stored.next() {
                let message = try StoredObjects.decode(Message.self, row[1])
                try db.execute(
                    sql: "UPDATE messages SET text = ?, status = ? WHERE id = ?",
                    arguments: [message.text, message.status?.rawValue, row[0] as String])
            }
        }
        return migrator
    }

    /// The next value of the global order shared by every table (creation order).
    static func nextSequence(_ db: Database) throws -> Int64 {
        guard let next = try Int64.fetchOne(db.cachedStatement(sql: "UPDATE sequence SET value = value + 1 WHERE id = 1 RETURNING value"))
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the sequence row is missing") }
        return next
    }
}
