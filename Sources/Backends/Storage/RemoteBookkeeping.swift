import Foundation
import GRDB

/// What Threadline remembers locally about threads that live on a remote server (`assistants`
/// and `responses` backends), per base URL: their ids and titles for `/threads`, the assistant
/// created from each definition, and which conversation items were replies cut short.
final class RemoteBookkeeping: Sendable {
    private let database: DatabasePool

    /// Opens (creating with mode 0600) the state database at `path`.
    init(path: String) throws {
        database = try SQLiteDatabase.open(path: path)
    }

    /// Remembers a thread created on the server at `baseURL`.
    func rememberThread(baseURL: String, id: String, createdAt: Int) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO remote_threads (id, base_url, created_at, updated_seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [id, baseURL, createdAt, try SQLiteDatabase.nextSequence(db)])
        }
    }

    /// Marks the thread as just used; the first user line becomes its title.
    func touchThread(baseURL: String, id: String, userLine: String) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE remote_threads SET updated_seq = ?, title = COALESCE(title, ?) WHERE base_url = ? AND id = ?",
                arguments: [try SQLiteDatabase.nextSequence(db), userLine, baseURL, id])
        }
    }

    /// The threads of `baseURL`, most recently used first.
    func threads(baseURL: String, limit: Int) throws -> [(id: String, createdAt: Int, title: String?)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, created_at, title FROM remote_threads WHERE base_url = ? ORDER BY updated_seq DESC LIMIT ?",
                arguments: [baseURL, limit])
        }.map { ($0["id"], $0["created_at"], $0["title"]) }
    }

    func threadTitle(baseURL: String, id: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT title FROM remote_threads WHERE base_url = ? AND id = ?", arguments: [baseURL, id])
        }
    }

    func forgetThread(baseURL: String, id: String) throws {
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
    func assistant(baseURL: String, fingerprint: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT id FROM remote_assistants WHERE base_url = ? AND fingerprint = ?",
                arguments: [baseURL, fingerprint])
        }
    }

    func rememberAssistant(baseURL: String, fingerprint: String, id: String) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO remote_assistants (base_url, fingerprint, id) VALUES (?, ?, ?)",
                arguments: [baseURL, fingerprint, id])
        }
    }
}
