import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

@Suite("LocalBackend", .timeLimit(.minutes(1)))
struct LocalBackendTests {
    let fixture = EngineFixture()

    private func backend(model: any LanguageModel = DemoModel(deltaDelay: .zero)) async throws -> (LocalBackend, LocalEngine) {
        let engine = try fixture.open(model: model)
        let backend = try await LocalBackend(name: "demo", engine: engine, definition: DefaultConfiguration.assistant)
        return (backend, engine)
    }

    private func events(_ stream: AsyncThrowingStream<RunEvent, any Error>) async throws -> [RunEvent] {
        var events: [RunEvent] = []
        for try await event in stream { events.append(event) }
        return events
    }

    /// A new thread asking the seed question, and its first run streamed until it waits for
    /// the tools: the thread, the run and the events.
    private func seedRun(_ backend: LocalBackend) async throws -> (thread: ThreadSummary, runID: String, events: [RunEvent]) {
        let thread = try await backend.createThread()
        try await backend.appendUserMessage(seedQuestion, threadID: thread.id)
        let streamed = try await events(backend.streamRun(threadID: thread.id, options: RunOptions()))
        let runID = try #require(streamed.first.flatMap { if case .started(let id) = $0 { id } else { nil } }, "unexpected events \(streamed)")
        return (thread, runID, streamed)
    }

    @Test func describesItself() async throws {
        let (backend, engine) = try await backend()
        let description = await backend.describe()
        #expect(description.name == "demo")
        // The demo model answers whatever a run names, and says so instead of claiming gpt-4o.
        #expect(description.model == "demo (runs name gpt-4o)")
        #expect(description.detail == engine.modelName)
        await backend.setModel("gpt-4o-mini")
        #expect(await backend.describe().model == "demo (runs name gpt-4o-mini)")
    }

    @Test func reusesOneAssistantPerDefinition() async throws {
        let engine = try fixture.open()
        _ = try await LocalBackend(name: "demo", engine: engine, definition: DefaultConfiguration.assistant)
        _ = try await LocalBackend(name: "demo", engine: engine, definition: DefaultConfiguration.assistant)
        #expect(try await engine.assistants().count == 1)
        var changed = DefaultConfiguration.assistant
        changed.instructions = "Call the user Captain."
        _ = try await LocalBackend(name: "demo", engine: engine, definition: changed)
        #expect(try await engine.assistants().count == 2)
    }

    @Test func listThreadsMostRecentlyUsedFirstWithFirstUserLineAsTitle() async throws {
        let (backend, _) = try await backend()
        let a = try await backend.createThread()
        let b = try await backend.createThread()
        let c = try await backend.createThread()
        #expect(a.title == nil)
        try await backend.appendUserMessage("Line one of A\nline two of A", threadID: a.id)
        try await backend.appendUserMessage("B asks", threadID: b.id)

        var listed = try await backend.listThreads(limit: 10)
        #expect(listed.map(\.id) == [b.id, a.id, c.id])
        #expect(listed.map(\.title) == ["B asks", "Line one of A", nil])

        try await backend.appendUserMessage("A again", threadID: a.id)
        listed = try await backend.listThreads(limit: 10)
        #expect(listed.map(\.id) == [a.id, b.id, c.id])
        #expect(listed.first?.title == "Line one of A")
        #expect(try await backend.listThreads(limit: 2).map(\.id) == [a.id, b.id])

        let d = try await backend.createThread()
        #expect(try await backend.listThreads(limit: 1).map(\.id) == [d.id])
        #expect(try await backend.thread(id: a.id) == listed.first)
    }

    @Test func transcriptInterleavesUserToolCallsAndAssistant() async throws {
        let (backend, _) = try await backend()
        let (thread, runID, first) = try await seedRun(backend)
        guard case .toolCallsRequired(let calls)? = first.last else {
            Issue.record("unexpected events \(first)")
            return
        }
        #expect(calls.map(\.name) == ["get_current_temperature", "get_rain_probability"])
        let outputs = calls.map { ToolCallOutput(toolCallID: $0.id, output: $0.name == "get_current_temperature" ? "57" : "0.06") }
        let second = try await events(backend.submitToolOutputs(threadID: thread.id, runID: runID, outputs: outputs))
        #expect(second.last == .finished(.completed))
        let reply = second.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(reply.contains("57°F"))

        let transcript = try await backend.transcript(threadID: thread.id)
        #expect(transcript == [
            TranscriptEntry(kind: .user, text: seedQuestion),
            TranscriptEntry(kind: .toolCall(name: calls[0].name, arguments: calls[0].arguments, output: "57"), text: ""),
            TranscriptEntry(kind: .toolCall(name: calls[1].name, arguments: calls[1].arguments, output: "0.06"), text: ""),
            TranscriptEntry(kind: .assistant, text: reply),
        ])

        // A second turn is appended after the first.
        try await backend.appendUserMessage("Tell me a joke.", threadID: thread.id)
        let third = try await events(backend.streamRun(threadID: thread.id, options: RunOptions()))
        #expect(third.last == .finished(.completed))
        let longer = try await backend.transcript(threadID: thread.id)
        #expect(Array(longer.prefix(4)) == transcript)
        #expect(longer.count == 6)
        #expect(longer[4] == TranscriptEntry(kind: .user, text: "Tell me a joke."))
        #expect(longer[5].kind == .assistant)
    }

    @Test func runOptionsReachTheModel() async throws {
        let (backend, engine) = try await backend()
        let thread = try await backend.createThread()
        try await backend.appendUserMessage("Tell me a joke.", threadID: thread.id)
        let events = try await events(
            backend.streamRun(threadID: thread.id, options: RunOptions(additionalInstructions: "Call the user Captain.")))
        #expect(events.last == .finished(.completed))
        #expect(events.contains { if case .usage = $0 { true } else { false } })
        let text = events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(text.hasPrefix("Captain"))
        let run = try #require(try await engine.runs(threadID: thread.id).last)
        #expect(run.instructions?.hasSuffix("Call the user Captain.") == true)
        #expect(run.instructions?.hasPrefix(DefaultConfiguration.assistant.instructions ?? "-") == true)
    }

    @Test func setModelAppliesToFollowingRuns() async throws {
        let (backend, engine) = try await backend()
        let thread = try await backend.createThread()
        await backend.setModel("llama3.2")
        try await backend.appendUserMessage("Tell me a joke.", threadID: thread.id)
        _ = try await events(backend.streamRun(threadID: thread.id, options: RunOptions()))
        #expect(try await engine.runs(threadID: thread.id).last?.model == "llama3.2")
    }

    @Test func appendingCancelsARunLeftWaitingForOutputs() async throws {
        let (backend, engine) = try await backend()
        let (thread, runID, _) = try await seedRun(backend)
        try await backend.appendUserMessage("Never mind.", threadID: thread.id)
        #expect(try await engine.run(threadID: thread.id, id: runID).status == .cancelled)
        #expect(try await engine.messages(threadID: thread.id).map(\.text) == [seedQuestion, "Never mind."])
    }

    @Test func cancelledReplyIsPartialInTheTranscript() async throws {
        let pieces = ["Hello ", "there, ", "partly"]
        let (backend, _) = try await backend(model: SuspendingModel(deltas: pieces))
        let thread = try await backend.createThread()
        try await backend.appendUserMessage("Hi", threadID: thread.id)
        let stream = try await backend.streamRun(threadID: thread.id, options: RunOptions())
        var iterator = stream.makeAsyncIterator()
        var runID: String?
        var texts: [String] = []
        while texts.count < pieces.count, let event = try await iterator.next() {
            if case .started(let id) = event { runID = id }
            if case .textDelta(let text) = event { texts.append(text) }
        }
        try await backend.cancelRun(threadID: thread.id, runID: try #require(runID))
        var rest: [RunEvent] = []
        while let event = try await iterator.next() { rest.append(event) }
        #expect(rest.last == .finished(.cancelled))
        let transcript = try await backend.transcript(threadID: thread.id)
        #expect(transcript == [
            TranscriptEntry(kind: .user, text: "Hi"),
            TranscriptEntry(kind: .assistant, text: pieces.joined(), isPartial: true),
        ])
    }

    @Test func unknownIDsBecomeBackendErrors() async throws {
        let (backend, _) = try await backend()
        let missing = "thread_doesnotexist"
        #expect(await backendError { _ = try await backend.thread(id: missing) } == .threadNotFound(missing))
        #expect(await backendError { _ = try await backend.transcript(threadID: missing) } == .threadNotFound(missing))
        #expect(await backendError { try await backend.deleteThread(id: missing) } == .threadNotFound(missing))
        #expect(await backendError { try await backend.appendUserMessage("hi", threadID: missing) } == .threadNotFound(missing))
        #expect(await backendError {
            _ = try await backend.streamRun(threadID: missing, options: RunOptions())
        } == .threadNotFound(missing))
        let thread = try await backend.createThread()
        #expect(await backendError { try await backend.cancelRun(threadID: thread.id, runID: "run_nope") } == .runNotFound("run_nope"))
        let invalid = await backendError {
            _ = try await backend.submitToolOutputs(threadID: thread.id, runID: "run_nope", outputs: [])
        }
        #expect(invalid == .runNotFound("run_nope"))
    }

    @Test func invalidRequestsBecomeBackendErrors() async throws {
        let (backend, _) = try await backend()
        let (thread, runID, _) = try await seedRun(backend)
        let error = await backendError {
            _ = try await backend.submitToolOutputs(
                threadID: thread.id, runID: runID, outputs: [ToolCallOutput(toolCallID: "call_x", output: "1")])
        }
        guard case .invalidRequest(let message)? = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
        #expect(message.contains("call_x"))
    }

    @Test func deleteThreadRemovesIt() async throws {
        let (backend, _) = try await backend()
        let thread = try await backend.createThread()
        try await backend.appendUserMessage("hello", threadID: thread.id)
        try await backend.deleteThread(id: thread.id)
        #expect(try await backend.listThreads(limit: 10).isEmpty)
        #expect(await backendError { _ = try await backend.thread(id: thread.id) } == .threadNotFound(thread.id))
    }
}
