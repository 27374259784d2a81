import AssistantsWire
import Foundation
import TestSupport
import Testing

@testable import Backends

@Suite("LocalEngine cancellation", .timeLimit(.minutes(1)))
struct LocalEngineCancelTests {
    let fixture = EngineFixture()
    let pieces = ["부산의 ", "현재 기온은 ", "아마도 "]

    @Test func cancellingARunThatRequiresAction() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let cancelled = try await engine.cancelRun(threadID: thread.id, runID: waiting.id)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.cancelledAt != nil)
        #expect(cancelled.requiredAction == nil)
        #expect(try await engine.run(threadID: thread.id, id: waiting.id) == cancelled)
        #expect(try await engine.steps(threadID: thread.id, runID: waiting.id).map(\.status) == ["cancelled"])
        #expect(try await engine.activeRun(threadID: thread.id) == nil)
        // Cancelling again changes nothing; the outputs are no longer accepted.
        #expect(try await engine.cancelRun(threadID: thread.id, runID: waiting.id) == cancelled)
        #expect(isInvalidRequest(await engineError {
            _ = try await engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls))
        }))
        // The thread is free again.
        _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "Tell me a joke.")
    }

    @Test func cancellingDuringStreamingKeepsThePartialReply() async throws {
        let engine = try fixture.open(model: SuspendingModel(deltas: pieces))
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        let stream = try await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        var iterator = stream.makeAsyncIterator()
        var runID: String?
        var streamed: [String] = []
        while streamed.count < pieces.count, let event = try await iterator.next() {
            switch event {
            case .run("created", let run): runID = run.id
            case .messageDelta(let delta): streamed.append(delta.text)
            default: break
            }
        }
        #expect(streamed == pieces)
        let id = try #require(runID)
        #expect(try await engine.run(threadID: thread.id, id: id).status == .inProgress)

        let cancelled = try await engine.cancelRun(threadID: thread.id, runID: id)
        #expect(cancelled.status == .cancelled)

        // The stream reports the end of the message and of the run, then finishes.
        var rest: [StreamEvent] = []
        while let event = try await iterator.next() { rest.append(event) }
        #expect(rest.map(\.name).last == "thread.run.cancelled")
        let incompleteIndex = try #require(index(of: "thread.message.incomplete", in: rest))
        #expect(incompleteIndex < rest.count - 1)
        #expect(!rest.map(\.name).contains("thread.message.delta"))

        try await expectCancelledWithPartialText(engine: engine, threadID: thread.id, runID: id)
    }

    @Test func droppingTheConsumingTaskCancelsTheRun() async throws {
        let engine = try fixture.open(model: SuspendingModel(deltas: pieces))
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        let stream = try await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        let (seen, report) = AsyncStream<StreamEvent>.makeStream()
        let consumer = Task {
            for try await event in stream { report.yield(event) }
        }
        var runID: String?
        var deltas = 0
        for await event in seen {
            if case .run("created", let run) = event { runID = run.id }
            if case .messageDelta = event { deltas += 1 }
            if deltas == pieces.count { break }
        }
        let id = try #require(runID)
        consumer.cancel()
        let ended = try await eventually { try await engine.run(threadID: thread.id, id: id).status.isTerminal }
        #expect(ended)
        try await expectCancelledWithPartialText(engine: engine, threadID: thread.id, runID: id)
        report.finish()
    }

    @Test func droppingTheStreamCancelsTheRun() async throws {
        let engine = try fixture.open(model: SuspendingModel(deltas: pieces))
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        var runID: String?
        do {
            let stream = try await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
            var deltas = 0
            for try await event in stream {
                if case .run("created", let run) = event { runID = run.id }
                if case .messageDelta = event { deltas += 1 }
                if deltas == pieces.count { break }
            }
        }
        let id = try #require(runID)
        let ended = try await eventually { try await engine.run(threadID: thread.id, id: id).status.isTerminal }
        #expect(ended)
        try await expectCancelledWithPartialText(engine: engine, threadID: thread.id, runID: id)
    }

    @Test func deletingAThreadEndsItsRun() async throws {
        let engine = try fixture.open()
        let (thread, _) = try await engine.runUntilToolCalls()
        let keep = try await engine.threadAsking("Tell me a joke.").thread
        try await engine.deleteThread(id: thread.id)
        #expect(await engineError { _ = try await engine.thread(id: thread.id) } == .notFound(kind: "thread", id: thread.id))
        #expect(try await engine.recentThreads(limit: 10).map(\.thread.id) == [keep.id])
    }

    /// The run is cancelled and its reply is stored with the text streamed so far, marked incomplete.
    private func expectCancelledWithPartialText(engine: LocalEngine, threadID: String, runID: String) async throws {
        let run = try await engine.run(threadID: threadID, id: runID)
        #expect(run.status == .cancelled)
        #expect(run.cancelledAt != nil)
        let messages = try await engine.messages(threadID: threadID)
        #expect(messages.map(\.role) == ["user", "assistant"])
        let reply = try #require(messages.last)
        #expect(reply.runID == runID)
        #expect(reply.text == pieces.joined())
        #expect(reply.status == "incomplete")
        #expect(reply.incompleteDetails?.reason == "run_cancelled")
        let steps = try await engine.steps(threadID: threadID, runID: runID)
        #expect(steps.map(\.type) == ["message_creation"])
        #expect(steps.first?.status == "cancelled")
        #expect(try await engine.activeRun(threadID: threadID) == nil)
    }
}
