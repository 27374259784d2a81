import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// Runs held by a process across processes sharing one SQLite file: each engine here stands for
/// a process, with its own owner name. A run a live process holds is never cancelled by another;
/// a run whose process is gone (its pid no longer exists, or its lease lapsed) is failed by
/// whoever finds it, keeping the text written so far.
@Suite("Run ownership", .timeLimit(.minutes(1)))
struct RunOwnershipTests {
    let fixture = EngineFixture()
    let host = ProcessInfo.processInfo.hostName

    /// An engine as a process would open the file, named `owner`.
    func process(
        _ owner: String, model: any LanguageModel = DemoModel(deltaDelay: .zero), timing: RunTiming = .standard
    ) throws -> LocalEngine {
        LocalEngine(store: try SQLiteThreadStore(path: fixture.path), model: model, timing: timing, owner: owner)
    }

    /// An owner name of this process: alive for as long as the test runs.
    func live(_ nonce: String) -> String { "\(host):\(getpid()):\(nonce)" }

    /// An owner name of a process of this host that has exited, as after `kill -9`.
    func gone() throws -> String {
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        return "\(host):\(exited.processIdentifier):1"
    }

    @Test func aLineWaitsForAnotherProcessRunAndIsRefusedWithoutCancellingIt() async throws {
        let serve = try process(live("serve"))
        let (thread, waiting) = try await serve.runUntilToolCalls()
        let repl = try process(live("repl"))
        let backend = try await LocalBackend(
            name: "demo", engine: repl, definition: DefaultConfiguration.assistant, busyWait: .milliseconds(300))

        let error = await backendError { try await backend.appendUserMessage("Never mind.", threadID: thread.id) }

        #expect(error == .threadBusy(threadID: thread.id, runID: waiting.id))
        #expect(error?.description == "thread \(thread.id) is busy: run \(waiting.id) is in progress in another process")
        #expect(try await serve.run(threadID: thread.id, id: waiting.id).status == .requiresAction)
        #expect(try await repl.messages(threadID: thread.id).map(\.text) == [seedQuestion])
        // The holder still finishes its run.
        let events = try await collect(
            serve.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))
        #expect(events.last?.name == "thread.run.completed")
    }

    @Test func aLineSentWhileAnotherProcessRunsGoesInOnceThatRunEnds() async throws {
        let serve = try process(live("serve"))
        let (thread, waiting) = try await serve.runUntilToolCalls()
        let backend = try await LocalBackend(
            name: "demo", engine: try process(live("repl")), definition: DefaultConfiguration.assistant)
        let line = Task { try await backend.appendUserMessage("And tomorrow?", threadID: thread.id) }

        _ = try await collect(
            serve.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))
        try await line.value

        let messages = try await serve.messages(threadID: thread.id)
        #expect(messages.map(\.role) == ["user", "assistant", "user"], "the line comes after the other run's reply")
        #expect(messages.last?.text == "And tomorrow?")
    }

    @Test func aSecondRunOnABusyThreadIsRefused() async throws {
        let first = try process(live("first"))
        let (thread, waiting) = try await first.runUntilToolCalls()
        let second = try process(live("second"))
        let assistant = try await second.seedAssistant()
        await #expect(throws: EngineError.threadBusy(threadID: thread.id, runID: waiting.id, addingMessage: false)) {
            _ = try await second.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        }
        // The store refuses it too when two processes pass the check at once.
        let store = try SQLiteThreadStore(path: fixture.path)
        var changes = StoreChanges(
            messages: [Message(id: "msg_x", createdAt: 1, threadID: thread.id, status: .completed, role: "user", text: "x")])
        changes.idleThread = thread.id
        await #expect(throws: StoreError.threadBusy(threadID: thread.id, runID: waiting.id)) { try await store.commit(changes) }
        #expect(try await first.runs(threadID: thread.id).count == 1)
    }

    @Test func aRunOfAProcessThatIsGoneIsFailedKeepingItsStreamedText() async throws {
        // Every piece is written at once, as 250 ms of streaming would.
        let flushing = RunTiming(heartbeatMillis: 2_000, leaseMillis: 10_000, textFlushMillis: 0)
        let crashed = try process(try gone(), model: SuspendingModel(deltas: ["부산의 ", "현재 "]), timing: flushing)
        let (thread, assistant) = try await crashed.threadAsking(seedQuestion)
        let stream = try await crashed.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        var iterator = stream.makeAsyncIterator()
        var deltas = 0
        while deltas < 2, let event = try await iterator.next() {
            if case .messageDelta = event { deltas += 1 }
        }
        defer { withExtendedLifetime((stream, iterator)) {} }

        let next = try process(live("next"))
        _ = try await next.addMessage(threadID: thread.id, role: "user", text: "Are you there?")

        let run = try #require(try await next.runs(threadID: thread.id).first)
        #expect(run.status == .failed)
        #expect(run.lastError == RunError(code: "server_error", message: "the process running it stopped"))
        let messages = try await next.messages(threadID: thread.id)
        #expect(messages.map(\.text) == [seedQuestion, "부산의 현재 ", "Are you there?"])
        #expect(messages[1].status == .incomplete)
    }

    @Test func aLapsedLeaseIsAnOrphanAndALiveOneIsNot() async throws {
        // Another host: its pid cannot be checked, only its heartbeat. It never renews here.
        let silent = RunTiming(heartbeatMillis: 3_600_000, leaseMillis: 10_000, textFlushMillis: 250)
        let elsewhere = try process("elsewhere:1:1", timing: silent)
        let (thread, waiting) = try await elsewhere.runUntilToolCalls()

        // A lease of an hour: however slow this machine, the heartbeat is within it.
        let patient = try process(live("patient"), timing: RunTiming(heartbeatMillis: 2_000, leaseMillis: 3_600_000, textFlushMillis: 250))
        #expect(try await patient.activeRun(threadID: thread.id)?.id == waiting.id, "within the lease it is alive")

        let strict = try process(live("strict"), timing: RunTiming(heartbeatMillis: 10, leaseMillis: 20, textFlushMillis: 250))
        #expect(try await eventually { try await strict.activeRun(threadID: thread.id) == nil })
        #expect(try await strict.run(threadID: thread.id, id: waiting.id).status == .failed)
    }

    @Test func heartbeatsRenewTheLeaseOfARunWaitingForOutputs() async throws {
        let store = try SQLiteThreadStore(path: fixture.path)
        let holder = try process(live("holder"), timing: RunTiming(heartbeatMillis: 20, leaseMillis: 10_000, textFlushMillis: 250))
        let (_, waiting) = try await holder.runUntilToolCalls()
        let lease = try await store.lease(runID: waiting.id)
        let first = try #require(lease)
        #expect(first.owner == live("holder"))
        #expect(try await eventually { (try await store.lease(runID: waiting.id)?.heartbeatAt ?? 0) > first.heartbeatAt })
    }

    @Test func aRestartedServeEndsOrphansAndLeavesLiveRunsAlone() async throws {
        let crashed = try process(try gone())
        let (orphanThread, orphan) = try await crashed.runUntilToolCalls()
        let alive = try process(live("repl"))
        let (liveThread, held) = try await alive.runUntilToolCalls()

        let restarted = try process(live("serve"))
        #expect(try await restarted.endOrphanedRuns() == 1)

        #expect(try await restarted.run(threadID: orphanThread.id, id: orphan.id).status == .failed)
        #expect(try await restarted.run(threadID: liveThread.id, id: held.id).status == .requiresAction)
        _ = try await restarted.addMessage(threadID: orphanThread.id, role: "user", text: "again")
    }

    @Test func claimingARunTakesItOnlyFromAnOwnerWhoseLeaseLapsed() async throws {
        let store = try SQLiteThreadStore(path: fixture.path)
        let thread = AssistantThread(id: "thread_1", createdAt: 1)
        try await store.saveThread(thread)
        var changes = StoreChanges(
            runs: [
                Run(
                    id: "run_1", createdAt: 1, threadID: "thread_1", assistantID: "asst_1", status: .requiresAction, model: "m",
                    instructions: nil, tools: [], expiresAt: nil)
            ])
        changes.lease = RunLease(owner: "a", heartbeatAt: 1_000)
        try await store.commit(changes)

        #expect(try await !store.claimRun(id: "run_1", lease: RunLease(owner: "b", heartbeatAt: 2_000), lapsedBefore: 1_000))
        #expect(try await store.lease(runID: "run_1") == RunLease(owner: "a", heartbeatAt: 1_000))
        #expect(try await store.renewLeases(owner: "b", runIDs: ["run_1"], at: 2_000).isEmpty)
        #expect(try await store.renewLeases(owner: "a", runIDs: ["run_1"], at: 1_500) == ["run_1"])
        #expect(try await store.claimRun(id: "run_1", lease: RunLease(owner: "b", heartbeatAt: 3_000), lapsedBefore: 2_000))
        #expect(try await store.lease(runID: "run_1") == RunLease(owner: "b", heartbeatAt: 3_000))
        #expect(try await store.renewLeases(owner: "a", runIDs: ["run_1"], at: 3_100).isEmpty, "a lost it")
    }
}
