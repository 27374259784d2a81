import AssistantsWire
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Backends

/// A database written by an earlier release (migrations v1 and v2 only) keeps its order after
/// the sequence counter arrives.
@Suite struct SQLiteMigrationTests {
    let directory = TemporaryDirectory("threadline-migration")

    @Test func theCounterStartsAfterTheHighestStoredSequence() async throws {
        let path = directory.file("old.sqlite")
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try Self.createReleaseOneSchema(db)
            let thread = AssistantThread(id: "thread_old", createdAt: 1)
            try db.execute(
                sql: "INSERT INTO threads VALUES (?, 1, 40, 41, ?)", arguments: [thread.id, WireCoding.jsonText(thread)])
        }
        try old.close()

        let store = try SQLiteThreadStore(path: path)
        try await store.saveThread(AssistantThread(id: "thread_new", createdAt: 2))
        let recent = try await store.recentThreads(limit: 10).map(\.thread.id)
        #expect(recent == ["thread_new", "thread_old"], "the new thread's sequence is above the old 41")
    }

    /// Messages stored before their text had a column of its own read as they always did.
    @Test func storedMessagesGetTheirTextAndStatusColumns() async throws {
        let path = directory.file("old-messages.sqlite")
        var several = Message(id: "m2", createdAt: 2, threadID: "thread_old", status: .incomplete, role: "assistant", text: "")
        several.content = [MessageContent(text: "맑고 "), MessageContent(text: "따뜻해요")]
        let messages = [
            Message(id: "m1", createdAt: 1, threadID: "thread_old", status: .completed, role: "user", text: "서울 날씨?"), several,
        ]
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try Self.createReleaseOneSchema(db)
            let thread = AssistantThread(id: "thread_old", createdAt: 1)
            try db.execute(sql: "INSERT INTO threads VALUES (?, 1, 1, 3, ?)", arguments: [thread.id, WireCoding.jsonText(thread)])
            for (seq, message) in messages.enumerated() {
                try db.execute(
                    sql: "INSERT INTO messages VALUES (?, ?, ?, ?, NULL, ?)",
                    arguments: [message.id, message.threadID, seq + 2, message.role, WireCoding.jsonText(message)])
            }
        }
        try old.close()

        let store = try SQLiteThreadStore(path: path)
        #expect(try await store.timeline(threadID: "thread_old") == messages.map { .message(TimelineMessage($0)) })
        #expect(TimelineMessage(several).text == "맑고 따뜻해요")
    }

    /// The tables as the first release (migrations v1 and v2) left them.
    static func createReleaseOneSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1'), ('v2-remote');
                CREATE TABLE assistants (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE TABLE threads (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, seq INTEGER NOT NULL, updated_seq INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE TABLE messages (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, run_id TEXT, json TEXT NOT NULL);
                CREATE TABLE runs (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL);
                CREATE TABLE run_steps (id TEXT PRIMARY KEY, run_id TEXT NOT NULL, thread_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL);
                CREATE TABLE remote_threads (id TEXT NOT NULL, base_url TEXT NOT NULL, created_at INTEGER NOT NULL, title TEXT, updated_seq INTEGER NOT NULL, PRIMARY KEY (base_url, id));
                CREATE TABLE remote_assistants (base_url TEXT NOT NULL, fingerprint TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (base_url, fingerprint));
                """)
    }
}
