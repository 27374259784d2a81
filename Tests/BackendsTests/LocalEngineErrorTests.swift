import AssistantsWire
import Foundation
import TestSupport
import Testing

@testable import Backends

/// The error `body` throws, when it is an `EngineError`.
func engineError(_ body: () async throws -> Void) async -> EngineError? {
    do {
        try await body()
        return nil
    } catch let error as EngineError {
        return error
    } catch {
        Issue.record("expected an EngineError, got \(error)")
        return nil
    }
}

func isInvalidRequest(_ error: EngineError?) -> Bool {
    if case .invalidRequest? = error { true } else { false }
}

@Suite("LocalEngine errors", .timeLimit(.minutes(1)))
struct LocalEngineErrorTests {
    let fixture = EngineFixture()

    @Test func concurrentRunsOnOneThreadStartExactlyOne() async throws {
        let store = YieldingStore(base: try SQLiteThreadStore(path: fixture.path))
        let engine = LocalEngine(store: store, model: SuspendingModel(deltas: ["…"]))
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        // The streams are kept: dropping one would cancel its run and free the thread.
        let streams = await withTaskGroup(of: LocalEngine.EventStream?.self) { group in
            for _ in 0..<8 {
                group.addTask { try? await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let started = streams.compactMap { $0 }.count
        #expect(started == 1, "the store is async, yet the check and the insert are one change")
        #expect(try await engine.runs(threadID: thread.id).count == 1)
        await engine.cancelActiveRuns()
    }

    @Test func submitMissingAnOutputIsRefusedAndTheRunKeepsWaiting() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let outputs = seedOutputs(for: waiting.toolCalls)
        let error = await engineError {
            _ = try await engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: [outputs[0]])
        }
        #expect(isInvalidRequest(error))
        #expect(error?.description.contains(waiting.toolCalls[1].id) == true)
        #expect(
            await engineError {
                _ = try await engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: [])
            } != nil)
        #expect(try await engine.run(threadID: thread.id, id: waiting.id).status == .requiresAction)
        // The complete submission still works afterwards.
        let events = try await collect(engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: outputs))
        #expect(events.last?.name == "thread.run.completed")
    }

    @Test func submitWithAnUnknownCallIDIsRefused() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let outputs = seedOutputs(for: waiting.toolCalls)
        for bad in [
            outputs + [ToolOutput(toolCallID: "call_doesnotexist", output: "1")],
            [outputs[0], ToolOutput(toolCallID: "call_doesnotexist", output: "1")],
        ] {
            let error = await engineError {
                _ = try await engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: bad)
            }
            #expect(isInvalidRequest(error))
            #expect(error?.description.contains("call_doesnotexist") == true)
        }
        #expect(try await engine.run(threadID: thread.id, id: waiting.id).status == .requiresAction)
        #expect(try await engine.steps(threadID: thread.id, runID: waiting.id).first?.status == "in_progress")
    }

    @Test func submitWithADuplicatedCallIDIsRefused() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let outputs = seedOutputs(for: waiting.toolCalls)
        let error = await engineError {
            _ = try await engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: outputs + [outputs[0]])
        }
        #expect(isInvalidRequest(error))
    }

    @Test func submitToARunNotRequiringActionIsRefused() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let outputs = seedOutputs(for: waiting.toolCalls)
        _ = try await collect(engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: outputs))
        let again = await engineError {
            _ = try await engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: outputs)
        }
        #expect(isInvalidRequest(again))
        #expect(again?.description.contains("completed") == true)

        // A run that never asked for tools.
        _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "Tell me a joke.")
        let assistant = try await engine.seedAssistant()
        let events = try await collect(engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        guard case .run(_, let plain)? = events.last else { throw EngineError.invalidRequest("no run") }
        #expect(plain.status == .completed)
        #expect(
            isInvalidRequest(
                await engineError {
                    _ = try await engine.submitToolOutputs(threadID: thread.id, runID: plain.id, outputs: outputs)
                }))
    }

    @Test func unknownIDsAreNotFound() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let assistant = try await engine.seedAssistant()
        let other = try await engine.createThread()
        let missingThread = "thread_doesnotexist"
        let missingRun = "run_doesnotexist"

        #expect(await engineError { _ = try await engine.thread(id: missingThread) } == .notFound(kind: "thread", id: missingThread))
        #expect(
            await engineError { _ = try await engine.messages(threadID: missingThread) } == .notFound(kind: "thread", id: missingThread))
        #expect(
            await engineError {
                _ = try await engine.addMessage(threadID: missingThread, role: "user", text: "hi")
            } == .notFound(kind: "thread", id: missingThread))
        #expect(
            await engineError {
                _ = try await engine.createRun(threadID: missingThread, request: RunRequest(assistantID: assistant.id))
            } == .notFound(kind: "thread", id: missingThread))
        #expect(await engineError { _ = try await engine.runs(threadID: missingThread) } == .notFound(kind: "thread", id: missingThread))
        #expect(await engineError { try await engine.deleteThread(id: missingThread) } == .notFound(kind: "thread", id: missingThread))

        #expect(
            await engineError { _ = try await engine.run(threadID: thread.id, id: missingRun) } == .notFound(kind: "run", id: missingRun))
        #expect(
            await engineError {
                _ = try await engine.submitToolOutputs(threadID: thread.id, runID: missingRun, outputs: [])
            } == .notFound(kind: "run", id: missingRun))
        #expect(
            await engineError { try await engine.cancelRun(threadID: thread.id, runID: missingRun) }
                == .notFound(kind: "run", id: missingRun))
        #expect(
            await engineError { _ = try await engine.steps(threadID: thread.id, runID: missingRun) }
                == .notFound(kind: "run", id: missingRun))

        // A real run addressed through the wrong thread is not found either, and is left alone.
        #expect(
            await engineError { _ = try await engine.run(threadID: other.id, id: waiting.id) } == .notFound(kind: "run", id: waiting.id))
        #expect(
            await engineError { try await engine.cancelRun(threadID: other.id, runID: waiting.id) }
                == .notFound(kind: "run", id: waiting.id))
        #expect(try await engine.run(threadID: thread.id, id: waiting.id).status == .requiresAction)

        #expect(
            await engineError {
                _ = try await engine.createRun(threadID: other.id, request: RunRequest(assistantID: "asst_doesnotexist"))
            } == .notFound(kind: "assistant", id: "asst_doesnotexist"))
        #expect(
            await engineError { _ = try await engine.message(threadID: other.id, id: "msg_doesnotexist") }
                == .notFound(kind: "message", id: "msg_doesnotexist"))
    }

    @Test func threadIsBusyWhileARunRequiresAction() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let assistant = try await engine.seedAssistant()
        let add = await engineError { _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "hello?") }
        #expect(add == .threadBusy(threadID: thread.id, runID: waiting.id, addingMessage: true))
        #expect(add?.description == "Can't add messages to \(thread.id) while a run \(waiting.id) is active.")
        let second = await engineError {
            _ = try await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
        }
        #expect(second == .threadBusy(threadID: thread.id, runID: waiting.id, addingMessage: false))
        #expect(try await engine.messages(threadID: thread.id).count == 1)
        #expect(try await engine.runs(threadID: thread.id).count == 1)
        // Once the run ends, both are allowed again.
        _ = try await collect(
            engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))
        _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "Tell me a joke.")
        let events = try await collect(engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        #expect(events.last?.name == "thread.run.completed")
    }

    @Test func onlyUserAndAssistantMessagesAreAccepted() async throws {
        let engine = try fixture.open()
        let thread = try await engine.createThread()
        #expect(
            isInvalidRequest(
                await engineError {
                    _ = try await engine.addMessage(threadID: thread.id, role: "system", text: "x")
                }))
        let message = try await engine.addMessage(threadID: thread.id, role: "assistant", text: "Hi")
        #expect(message.status == "completed")
        #expect(try await engine.messages(threadID: thread.id) == [message])
    }
}
