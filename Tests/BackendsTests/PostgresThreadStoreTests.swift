import AssistantsWire
import Foundation
import TestSupport
import Testing

@testable import Backends

/// What the PostgreSQL store adds to the conformance tests (`ThreadStoreTests`): migrations safe
/// when instances start at once, and the checks of a commit holding when two instances write at
/// the same moment (SQLite has one writer; PostgreSQL has many). On the tests' own cluster.
@Suite(.timeLimit(.minutes(2)))
struct PostgresThreadStoreTests {
    func freshDatabase() async throws -> (cluster: PostgresCluster, url: String) {
        let cluster = try await PostgresCluster.shared()
        return (cluster, try cluster.createDatabase())
    }

    /// A store on a fresh database holding `thread_1`.
    func storeWithThread() async throws -> PostgresThreadStore {
        let store = try await PostgresThreadStore.open(try PostgresURL(try await freshDatabase().url))
        try await store.saveThread(AssistantThread(id: "thread_1", createdAt: 1))
        return store
    }

    @Test func instancesStartingAtOnceOnAnEmptyDatabaseMigrateItOnce() async throws {
        let (cluster, url) = try await freshDatabase()
        let parsed = try PostgresURL(url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try await PostgresThreadStore.open(parsed) } }
            try await group.waitForAll()
        }
        _ = try await PostgresThreadStore.open(parsed)
        #expect(try cluster.psql(url, "SELECT version FROM threadline_migrations ORDER BY version") == "1\n")
    }

    @Test func objectsAreStoredAsTheirWireJSON() async throws {
        let (cluster, url) = try await freshDatabase()
        let store = try await PostgresThreadStore.open(try PostgresURL(url))
        let thread = AssistantThread(id: "thread_1", createdAt: 7, metadata: ["b": "2", "a": "x \"quoted\" y"])
        try await store.saveThread(thread)
        // Stored as the wire JSON text, the same object as SQLite stores.
        let stored = try cluster.psql(url, "SELECT json FROM threads").trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = { (text: String) in try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary }
        #expect(try parsed(stored) == parsed(WireCoding.jsonText(thread)), "\(stored)")
        #expect(try await store.thread(id: "thread_1") == thread)
    }

    @Test func ofTwoTransitionsOfOneRunAtOnceOneIsWrittenAndTheOtherRefused() async throws {
        let store = try await storeWithThread()
        try await store.commit(StoreChanges(runs: [storedRun("run_1", .inProgress)]))
        let outcomes = try await withThrowingTaskGroup(of: RunStatus?.self) { group in
            for status in [RunStatus.completed, .cancelled] {
                group.addTask {
                    var changes = StoreChanges(runs: [storedRun("run_1", status)])
                    changes.expectation = RunExpectation(runID: "run_1", status: .inProgress)
                    do {
                        try await store.commit(changes)
                        return status
                    } catch StoreError.runChanged(_, _, let found) {
                        #expect(found == .completed || found == .cancelled)
                        return nil
                    }
                }
            }
            return try await group.reduce(into: [RunStatus]()) { if let status = $1 { $0.append(status) } }
        }
        #expect(outcomes.count == 1)
        #expect(try await store.run(id: "run_1")?.status == outcomes.first)
    }

    @Test func ofTwoRunsStartedOnOneThreadAtOnceOneIsRefused() async throws {
        let store = try await storeWithThread()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for id in ["run_a", "run_b", "run_c"] {
                group.addTask {
                    var changes = StoreChanges(runs: [storedRun(id, .queued)])
                    changes.idleThread = "thread_1"
                    do {
                        try await store.commit(changes)
                        return true
                    } catch StoreError.threadBusy {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(try await store.activeRuns(threadID: "thread_1").count == 1)
    }

    @Test func ofTwoInstancesClaimingALapsedRunOneWins() async throws {
        let store = try await storeWithThread()
        var changes = StoreChanges(runs: [storedRun("run_1", .requiresAction)])
        changes.lease = RunLease(owner: "gone", heartbeatAt: 1)
        try await store.commit(changes)
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for owner in ["a", "b", "c"] {
                group.addTask {
                    // Each claimant read the lapsed heartbeat 1; only the first write finds it still there.
                    let won = try await store.claimRun(id: "run_1", lease: RunLease(owner: owner, heartbeatAt: 100), lapsedBefore: 50)
                    return won ? owner : nil
                }
            }
            return try await group.reduce(into: [String]()) { if let owner = $1 { $0.append(owner) } }
        }
        #expect(winners.count == 1)
        #expect(try await store.lease(runID: "run_1")?.owner == winners.first)
        #expect(try await store.renewLeases(owner: winners.first ?? "", runIDs: ["run_1", "run_x"], at: 200) == ["run_1"])
        #expect(try await store.lease(runID: "run_1") == RunLease(owner: winners.first ?? "", heartbeatAt: 200))
    }

    @Test func aDeletedThreadTakesItsMessagesRunsAndStepsWithIt() async throws {
        let store = try await storeWithThread()
        let reply = Message(id: "m1", createdAt: 1, threadID: "thread_1", status: .completed, role: "user", text: "hi")
        try await store.commit(StoreChanges(runs: [storedRun("run_1", .completed)], messages: [reply]))
        #expect(try await store.deleteThread(id: "thread_1"))
        #expect(try await store.message(id: "m1") == nil)
        #expect(try await store.run(id: "run_1") == nil)
        #expect(try await store.deleteThread(id: "thread_1") == false)
    }

    // MARK: the URL

    @Test func theURLIsReadAsLibpqDoesAndShownWithoutItsPassword() throws {
        let url = try PostgresURL("postgres://team:s3cret%40x@db.example:6543/threads?sslmode=verify-full")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.username == "team")
        #expect(url.password == "s3cret@x")
        #expect(url.database == "threads")
        #expect(url.tlsMode == .verifyFull)
        #expect(url.description == "postgres://team:***@db.example:6543/threads?sslmode=verify-full")
        #expect(try PostgresURL("postgresql://u@h/d").tlsMode == .prefer)
        #expect(try PostgresURL("postgresql://u@h/d").port == 5432)
    }

    @Test(arguments: [
        ("postgres://u:hunter2@h/d?sslmode=sometimes", "sslmode must be one of"),
        ("postgres://u:hunter2@h/d?password=x", "unknown parameter 'password'"),
        ("postgres://:hunter2@h/d", "names no user"),
        ("mysql://u:hunter2@h/d", "expected postgres://"),
    ])
    func aBadURLIsRefusedWithoutShowingThePassword(text: String, reason: String) {
        var message = ""
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) was accepted")
        } catch {
            message = error.description
        }
        #expect(message.contains(reason), "\(message)")
        #expect(!message.contains("hunter2"), "\(message)")
    }

    @Test func aRefusedLoginNamesTheDatabaseButNotThePassword() async throws {
        let (cluster, url) = try await freshDatabase()
        let wrong = url.replacingOccurrences(of: cluster.password, with: "not-the-password")
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await PostgresThreadStore.open(try PostgresURL(wrong)) }
        let message = error?.description ?? ""
        #expect(message.contains("127.0.0.1:\(cluster.port)"), "\(message)")
        #expect(message.contains("password authentication failed"), "\(message)")
        #expect(!message.contains("not-the-password") && !message.contains(cluster.password), "\(message)")
    }

    @Test func sslmodeRequireTalksTLS() async throws {
        let (cluster, url) = try await freshDatabase()
        let store = try await PostgresThreadStore.open(
            try PostgresURL(url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")))
        try await store.saveThread(AssistantThread(id: "thread_1", createdAt: 1))
        // The store's pooled connection stays open: the server says whether it is encrypted.
        let encrypted = try cluster.psql(
            url, "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE ssl AND datname = current_database()")
        #expect(encrypted == "1\n")
        #expect(try await store.thread(id: "thread_1") != nil)
    }

    @Test func verifyFullChecksTheCertificateAgainstSslrootcert() async throws {
        let (cluster, url) = try await freshDatabase()
        let unknown = url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full")
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await PostgresThreadStore.open(try PostgresURL(unknown)) }
        #expect(error?.description.contains("cannot connect") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains(cluster.password) == false)
        // Trusting the server's own certificate, whose name is 127.0.0.1, it connects.
        let trusted = try await PostgresThreadStore.open(try PostgresURL(unknown + "&sslrootcert=" + cluster.certificate))
        try await trusted.saveThread(AssistantThread(id: "thread_1", createdAt: 1))
    }
}

/// Engines on one PostgreSQL database, each standing for a `serve` instance with its own owner
/// name: any instance takes tool outputs and cancels, wherever the run executes.
@Suite(.timeLimit(.minutes(1)))
struct PostgresInstancesTests {
    let host = ProcessInfo.processInfo.hostName

    /// `count` engines on one fresh database, as `serve` opens them.
    func instances(
        _ count: Int, model: any LanguageModel = DemoModel(deltaDelay: .zero), timing: RunTiming = .standard
    ) async throws -> [LocalEngine] {
        let url = try PostgresURL(try await PostgresCluster.shared().createDatabase())
        var engines: [LocalEngine] = []
        for index in 0..<count {
            engines.append(
                LocalEngine(
                    store: try await PostgresThreadStore.open(url), model: model, timing: timing,
                    owner: "\(host):\(getpid()):instance\(index)", sharesWaitingRuns: true))
        }
        return engines
    }

    @Test func toolOutputsSubmittedToAnotherInstanceContinueTheRunThere() async throws {
        let engines = try await instances(2)
        let (thread, waiting) = try await engines[0].runUntilToolCalls()
        #expect(await engines[0].holds(runID: waiting.id))

        let events = try await collect(
            engines[1].submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))

        #expect(events.last?.name == "thread.run.completed")
        #expect(try await engines[0].messages(threadID: thread.id).map(\.role) == ["user", "assistant"])
        #expect(await engines[1].holds(runID: waiting.id) == false, "the run ended")
    }

    @Test func aCancelAtAnotherInstanceStopsTheRunWhoseModelIsQuiet() async throws {
        let timing = RunTiming(heartbeatMillis: 50, leaseMillis: 2_000, textFlushMillis: 20)
        let engines = try await instances(2, model: SuspendingModel(deltas: ["Hello"]), timing: timing)
        let (thread, assistant) = try await engines[0].threadAsking("Say hello.")
        let stream = try await engines[0].createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        var events: [StreamEvent] = []
        for try await event in stream {
            events.append(event)
            if event.name == "thread.message.delta" {
                // The model is now silent for good; once its text is written (every 20 ms here), the
                // cancel arrives at the other instance.
                try await Task.sleep(for: .milliseconds(300))
                let runID = try #require(try await engines[1].activeRun(threadID: thread.id)?.id)
                try await engines[1].cancelRun(threadID: thread.id, runID: runID)
            }
        }
        #expect(events.last?.name == "thread.run.cancelled", "\(events.map(\.name))")
        #expect(try await engines[0].activeRun(threadID: thread.id) == nil)
        let reply = try await engines[1].messages(threadID: thread.id).last
        #expect(reply?.status == .incomplete && reply?.text == "Hello")
    }
}
