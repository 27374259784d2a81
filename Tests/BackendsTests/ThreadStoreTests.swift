import AssistantsWire
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Backends

/// The stores the same conformance tests run on: a real SQLite file, and a database of its own
/// on the tests' PostgreSQL cluster (`PostgresCluster`, started by the tests).
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    /// A fresh, empty store of this kind; an SQLite file goes in `directory`.
    func open(in directory: TemporaryDirectory) async throws -> any ThreadStore {
        switch self {
        case .sqlite: try SQLiteThreadStore(path: directory.file("threads.sqlite"))
        case .postgres: try await PostgresThreadStore.open(try PostgresURL(try await PostgresCluster.shared().createDatabase()))
        }
    }
}

/// A run of `thread` in `status`, as the store tests write them.
func storedRun(_ id: String, _ status: RunStatus, thread: String = "thread_1") -> Run {
    Run(
        id: id, createdAt: 1, threadID: thread, assistantID: "a", status: status, model: "m", instructions: nil, tools: [],
        expiresAt: nil)
}

/// A store on a real database: pages answered by the database, one transaction per
/// transition; on SQLite, WAL so readers never wait for the writer.
@Suite struct ThreadStoreTests {
    let directory = TemporaryDirectory("threadline-store")
    var path: String { directory.file("threads.sqlite") }

    /// A store holding one thread with `count` user messages m1…mN, oldest first.
    func store(_ kind: StoreKind, messages count: Int) async throws -> any ThreadStore {
        let store = try await kind.open(in: directory)
        try await store.saveThread(AssistantThread(id: "thread_1", createdAt: 1))
        try await store.saveThread(AssistantThread(id: "thread_2", createdAt: 1))
        try await store.commit(
            StoreChanges(
                messages: (1...count).map {
                    Message(id: "m\($0)", createdAt: $0, threadID: "thread_1", status: .completed, role: "user", text: "\($0)")
                }))
        try await store.commit(
            StoreChanges(messages: [
                Message(id: "other", createdAt: 1, threadID: "thread_2", status: .completed, role: "user", text: "x")
            ]))
        return store
    }

    func ids(_ store: any ThreadStore, _ request: PageRequest) async throws -> ([String], Bool) {
        let page = try await store.messages(threadID: "thread_1", runID: nil, request)
        return (page.items.map(\.id), page.hasMore)
    }

    @Test(arguments: StoreKind.allCases)
    func pagesFollowTheAPIsOrderAndCursors(_ kind: StoreKind) async throws {
        let store = try await store(kind, messages: 7)
        #expect(try await ids(store, PageRequest(limit: 3)) == (["m7", "m6", "m5"], true))
        #expect(try await ids(store, PageRequest(limit: 3, after: "m5")) == (["m4", "m3", "m2"], true))
        #expect(try await ids(store, PageRequest(limit: 3, after: "m2")) == (["m1"], false))
        #expect(try await ids(store, PageRequest(limit: 3, ascending: true)) == (["m1", "m2", "m3"], true))
        #expect(try await ids(store, PageRequest(limit: 3, ascending: true, after: "m4")) == (["m5", "m6", "m7"], false))
        // `before` alone: the items nearest the cursor, more beyond them towards the start.
        #expect(try await ids(store, PageRequest(limit: 2, ascending: true, before: "m5")) == (["m3", "m4"], true))
        #expect(try await ids(store, PageRequest(limit: 2, before: "m5")) == (["m7", "m6"], false))
        #expect(try await ids(store, PageRequest(limit: 5, ascending: true, after: "m1", before: "m4")) == (["m2", "m3"], false))
        #expect(try await ids(store, .all).0 == (1...7).map { "m\($0)" })
    }

    @Test(arguments: StoreKind.allCases)
    func aCursorFromAnotherListIsRefused(_ kind: StoreKind) async throws {
        let store = try await store(kind, messages: 2)
        await #expect(throws: StoreError.unknownCursor(parameter: "after", id: "other")) {
            try await store.messages(threadID: "thread_1", runID: nil, PageRequest(after: "other"))
        }
        await #expect(throws: StoreError.unknownCursor(parameter: "before", id: "nope")) {
            try await store.messages(threadID: "thread_1", runID: nil, PageRequest(before: "nope"))
        }
    }

    @Test func aPageOfABigThreadReadsOnlyThroughIndexes() async throws {
        _ = try await store(.sqlite, messages: 3)
        let database = try DatabaseQueue(path: path)
        let plan = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT json FROM messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                arguments: ["thread_1", 100, 21]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING INDEX messages_by_thread") })
        #expect(!plan.contains { $0.contains("SCAN") || $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test func theFileIsInWALMode() async throws {
        _ = try await store(.sqlite, messages: 1)
        let mode = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test(arguments: StoreKind.allCases)
    func aTransitionIsWrittenWholeOrNotAtAll(_ kind: StoreKind) async throws {
        let store = try await store(kind, messages: 1)
        let run = storedRun("run_1", .requiresAction)
        try await store.commit(StoreChanges(runs: [run]))

        // Another process cancelled the run meanwhile: a transition expecting requires_action
        // must write none of its objects.
        var cancelled = run
        cancelled.status = .cancelled
        try await store.commit(StoreChanges(runs: [cancelled]))
        var queued = run
        queued.status = .queued
        let reply = Message(id: "late", createdAt: 2, threadID: "thread_1", status: .inProgress, role: "assistant", text: "")
        var changes = StoreChanges(runs: [queued], messages: [reply])
        changes.expectation = RunExpectation(runID: "run_1", status: .requiresAction)
        await #expect(throws: StoreError.runChanged(id: "run_1", expected: .requiresAction, found: .cancelled)) {
            try await store.commit(changes)
        }
        #expect(try await store.run(id: "run_1")?.status == .cancelled)
        #expect(try await store.message(id: "late") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func activeRunsAreThoseThatCanStillChange(_ kind: StoreKind) async throws {
        let store = try await store(kind, messages: 1)
        for (id, status) in [("r1", RunStatus.completed), ("r2", .requiresAction), ("r3", .expired), ("r4", .inProgress)] {
            try await store.commit(StoreChanges(runs: [storedRun(id, status)]))
        }
        #expect(try await store.activeRuns(threadID: "thread_1").map(\.id) == ["r2", "r4"])
        #expect(try await store.runs(threadID: "thread_1", PageRequest(limit: 2)).items.map(\.id) == ["r4", "r3"])
    }

    @Test(arguments: StoreKind.allCases)
    func aSnapshotHoldsTheRunsStepsAndMessages(_ kind: StoreKind) async throws {
        let store = try await store(kind, messages: 1)
        let run = storedRun("run_1", .inProgress)
        let reply = Message(
            id: "reply", createdAt: 2, threadID: "thread_1", status: .inProgress, role: "assistant", text: "", runID: "run_1")
        let step = RunStep(
            id: "step_1", createdAt: 2, runID: "run_1", assistantID: "a", threadID: "thread_1", status: .inProgress,
            details: .messageCreation(messageID: "reply"))
        try await store.commit(StoreChanges(runs: [run], steps: [step], messages: [reply]))
        let found = try await store.snapshot(runID: "run_1")
        let snapshot = try #require(found)
        #expect(snapshot == RunSnapshot(run: run, steps: [step], messages: [reply]))
        #expect(try await store.snapshot(runID: "run_x") == nil)
    }

    /// The timeline reads messages from their text and status columns: every shape of message
    /// must come out as decoding its JSON whole would give.
    @Test(arguments: StoreKind.allCases)
    func theTimelineReadsMessagesAsDecodingThemWholeWould(_ kind: StoreKind) async throws {
        let store = try await kind.open(in: directory)
        try await store.saveThread(AssistantThread(id: "thread_1", createdAt: 1))
        func message(_ id: String, _ role: String, _ status: MessageStatus, _ content: [MessageContent]) -> Message {
            var message = Message(id: id, createdAt: 1, threadID: "thread_1", status: status, role: role, text: "")
            message.content = content
            return message
        }
        let image = try JSONDecoder().decode(MessageContent.self, from: Data(#"{"type": "image_file"}"#.utf8))
        let messages = [
            message("m1", "user", .completed, [MessageContent(text: "서울 날씨 \"어때\"?\n")]),
            message("m2", "assistant", .incomplete, [MessageContent(text: "partial")]),
            message("m3", "assistant", .completed, [MessageContent(text: "one, "), image, MessageContent(text: "two")]),
            message("m4", "assistant", .inProgress, []),
            message("m5", "user", .completed, [image]),
        ]
        let step = RunStep(
            id: "s1", createdAt: 1, runID: "r", assistantID: "a", threadID: "thread_1", status: .completed,
            details: .toolCalls([ToolCall(id: "call_1", name: "get_rain_probability", arguments: "{}")]))
        let run = Run(
            id: "r", createdAt: 1, threadID: "thread_1", assistantID: "a", status: .completed, model: "m", instructions: nil, tools: [],
            expiresAt: nil)
        try await store.commit(StoreChanges(runs: [run]))
        try await store.commit(StoreChanges(messages: Array(messages[..<2])))
        try await store.commit(StoreChanges(steps: [step]))
        try await store.commit(StoreChanges(messages: Array(messages[2...])))
        let expected: [TimelineItem] =
            messages[..<2].map { .message(TimelineMessage($0)) } + [.step(step)] + messages[2...].map { .message(TimelineMessage($0)) }
        #expect(try await store.timeline(threadID: "thread_1") == expected)
        #expect(expected[3] == .message(TimelineMessage(role: "assistant", text: "one, two", status: .completed)))
    }
}
