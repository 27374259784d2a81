import Logging
import PostgresNIO

/// The PostgreSQL store's tables, built by numbered migrations. Each start applies the missing
/// ones in one transaction holding an advisory lock, so instances starting at once on an empty
/// database wait for each other instead of racing: the second sees the first's versions applied.
enum PostgresSchema {
    /// The advisory lock key of the migrations (any constant no other application uses).
    static let migrationLock: Int64 = 0x7468_7265_6164  // "thread"

    /// The migrations in order; each is a list of statements (the extended protocol takes one at a time).
    static let migrations: [(version: Int, statements: [String])] = [
        (
            1,
            [
                // One order shared by every table (creation order), as SQLite's `sequence` row.
                "CREATE SEQUENCE threadline_seq",
                "CREATE TABLE assistants (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, seq BIGINT NOT NULL, json TEXT NOT NULL)",
                "CREATE INDEX assistants_by_seq ON assistants(seq)",
                """
                CREATE TABLE threads (id TEXT PRIMARY KEY, created_at BIGINT NOT NULL, seq BIGINT NOT NULL,
                  updated_seq BIGINT NOT NULL, json TEXT NOT NULL)
                """,
                "CREATE INDEX threads_by_use ON threads(updated_seq)",
                """
                CREATE TABLE messages (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                  seq BIGINT NOT NULL, role TEXT NOT NULL, run_id TEXT, json TEXT NOT NULL,
                  text TEXT NOT NULL DEFAULT '', status TEXT)
                """,
                "CREATE INDEX messages_by_thread ON messages(thread_id, seq)",
                "CREATE INDEX messages_by_run ON messages(run_id, seq)",
                """
                CREATE TABLE runs (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
                  seq BIGINT NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL, owner TEXT, heartbeat_at BIGINT)
                """,
                "CREATE INDEX runs_by_thread ON runs(thread_id, seq)",
                "CREATE INDEX runs_by_status ON runs(thread_id, status)",
                """
                CREATE TABLE run_steps (id TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                  thread_id TEXT NOT NULL, seq BIGINT NOT NULL, json TEXT NOT NULL)
                """,
                "CREATE INDEX steps_by_run ON run_steps(run_id, seq)",
                "CREATE INDEX steps_by_thread ON run_steps(thread_id, seq)",
            ]
        )
    ]

    /// Applies the migrations this database lacks; answers the versions applied now.
    @discardableResult
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS threadline_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM threadline_migrations", logger: logger)
                .decode(Int.self)
            {
                applied.insert(version)
            }
            var appliedNow: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO threadline_migrations (version) VALUES (\(migration.version))", logger: logger)
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
    }
}
