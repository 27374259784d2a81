import AssistantsWire
import Foundation
import TestSupport
import Testing

@testable import Backends

@Suite("LocalEngine persistence and expiry", .timeLimit(.minutes(1)))
struct LocalEnginePersistenceTests {
    let fixture = EngineFixture()

    @Test func databaseFileIsPrivate() throws {
        _ = try fixture.open()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
        let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(mode & 0o777 == 0o600)
    }

    @Test func missingDirectoriesAreCreatedPrivate() throws {
        let directory = TemporaryDirectory("threadline-nested")
        let path = directory.file("state/threadline/threads.sqlite")
        _ = try LocalEngine(databasePath: path, model: DemoModel(deltaDelay: .zero))
        let file = try FileManager.default.attributesOfItem(atPath: path)
        #expect(try #require(file[.posixPermissions] as? NSNumber).intValue & 0o777 == 0o600)
        let parent = try FileManager.default.attributesOfItem(atPath: directory.file("state/threadline"))
        #expect(try #require(parent[.posixPermissions] as? NSNumber).intValue & 0o777 == 0o700)
    }

    @Test func everythingSurvivesReopening() async throws {
        var threadID = ""
        var messages: [Message] = []
        var runs: [Run] = []
        var steps: [RunStep] = []
        var assistantID = ""
        do {
            let engine = try fixture.open()
            let (thread, waiting) = try await engine.runUntilToolCalls()
            _ = try await collect(
                engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))
            threadID = thread.id
            messages = try await engine.messages(threadID: thread.id)
            runs = try await engine.runs(threadID: thread.id)
            steps = try await engine.steps(threadID: thread.id, runID: waiting.id)
            assistantID = try await engine.seedAssistant().id
        }
        #expect(messages.count == 2)
        #expect(runs.count == 1)

        let reopened = try fixture.open()
        #expect(try await reopened.thread(id: threadID).id == threadID)
        #expect(try await reopened.messages(threadID: threadID) == messages)
        #expect(try await reopened.runs(threadID: threadID) == runs)
        #expect(try await reopened.steps(threadID: threadID, runID: runs[0].id) == steps)
        #expect(try await reopened.seedAssistant().id == assistantID)
        #expect(try await reopened.assistants().count == 1)
        #expect(try await reopened.recentThreads(limit: 5).first?.firstUserMessage?.text == seedQuestion)
    }

    @Test func aRunWaitingForOutputsCanBeAnsweredAfterReopening() async throws {
        var threadID = ""
        var waiting: Run?
        do {
            let engine = try fixture.open()
            let started = try await engine.runUntilToolCalls()
            threadID = started.thread.id
            waiting = started.run
        }
        let run = try #require(waiting)
        let reopened = try fixture.open()
        #expect(try await reopened.run(threadID: threadID, id: run.id).status == .requiresAction)
        let events = try await collect(
            reopened.submitToolOutputs(threadID: threadID, runID: run.id, outputs: seedOutputs(for: run.toolCalls)))
        #expect(events.last?.name == "thread.run.completed")
        #expect(try await reopened.messages(threadID: threadID).last?.text.contains("57°F") == true)
    }

    @Test func aRunLeftByAnotherProcessIsLeftAloneUntilCancelled() async throws {
        let crashed = try fixture.open(model: SuspendingModel(deltas: ["부산의 ", "현재 "]))
        let (thread, assistant) = try await crashed.threadAsking(seedQuestion)
        let stream = try await crashed.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        var iterator = stream.makeAsyncIterator()
        var runID: String?
        var deltas = 0
        while deltas < 2, let event = try await iterator.next() {
            if case .run("created", let run) = event { runID = run.id }
            if case .messageDelta = event { deltas += 1 }
        }
        let id = try #require(runID)
        #expect(try await crashed.run(threadID: thread.id, id: id).status == .inProgress)

        // The old process never gets to clean up: its stream stays open while a new one opens the file.
        defer { withExtendedLifetime((stream, iterator)) {} }
        let reopened = try fixture.open()
        // The first process may still be running it, so opening the file must not end it.
        #expect(try await reopened.run(threadID: thread.id, id: id).status == .inProgress)
        #expect(try await reopened.activeRun(threadID: thread.id)?.id == id)
        let run = try await reopened.cancelRun(threadID: thread.id, runID: id)
        #expect(run.status == .cancelled)
        #expect(run.cancelledAt != nil)
        let reply = try #require(try await reopened.messages(threadID: thread.id).last)
        #expect(reply.role == "assistant")
        #expect(reply.runID == id)
        #expect(reply.status == "incomplete")
        #expect(try await reopened.activeRun(threadID: thread.id) == nil)
        // The thread can be used again.
        _ = try await reopened.addMessage(threadID: thread.id, role: "user", text: "Tell me a joke.")
    }

    @Test func anAbandonedRunPastItsExpiryIsExpired() async throws {
        let crashed = try fixture.open(model: SuspendingModel(deltas: ["부산의 "]), expirySeconds: 0)
        let (thread, assistant) = try await crashed.threadAsking(seedQuestion)
        let stream = try await crashed.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        var iterator = stream.makeAsyncIterator()
        var runID: String?
        while runID == nil, let event = try await iterator.next() {
            if case .run("created", let run) = event { runID = run.id }
        }
        let id = try #require(runID)
        defer { withExtendedLifetime((stream, iterator)) {} }
        // The process running it is still executing, so it does not expire there...
        #expect(try await crashed.activeRun(threadID: thread.id)?.id == id)
        // ...but for another process it is abandoned once expires_at has passed.
        let reopened = try fixture.open(expirySeconds: 0)
        #expect(try await reopened.activeRun(threadID: thread.id) == nil)
        #expect(try await reopened.run(threadID: thread.id, id: id).status == .expired)
    }

    @Test func aRunPastItsExpiryIsExpiredAndRefusesOutputs() async throws {
        let engine = try fixture.open(expirySeconds: 0)
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let error = await engineError {
            _ = try await engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls))
        }
        #expect(isInvalidRequest(error))
        #expect(error?.description.contains("expired") == true)
        let run = try await engine.run(threadID: thread.id, id: waiting.id)
        #expect(run.status == .expired)
        #expect(run.requiredAction == nil)
        #expect(try await engine.steps(threadID: thread.id, runID: waiting.id).map(\.status) == ["expired"])
        // Still refused afterwards, and the thread accepts new messages.
        #expect(isInvalidRequest(await engineError {
            _ = try await engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls))
        }))
        _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "again")
    }

    @Test func aWaitingRunExpiresOnItsOwn() async throws {
        let engine = try fixture.open(expirySeconds: 1)
        let (thread, waiting) = try await engine.runUntilToolCalls()
        #expect(waiting.status == .requiresAction)
        // `run(threadID:id:)` only reads, so the change comes from the engine's own timer.
        let expired = try await eventually { try await engine.run(threadID: thread.id, id: waiting.id).status == .expired }
        #expect(expired)
        #expect(try await engine.activeRun(threadID: thread.id) == nil)
        #expect(isInvalidRequest(await engineError {
            _ = try await engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls))
        }))
    }
}
