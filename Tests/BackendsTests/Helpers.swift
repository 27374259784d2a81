import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// The seed notebook's question.
let seedQuestion = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"

/// A model that streams `deltas`, then suspends until its task is cancelled (never on its own),
/// like a remote model that stalls mid-reply.
struct SuspendingModel: LanguageModel {
    var deltas: [String]
    var displayName: String { "suspending test model" }

    func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        let deltas = deltas
        return .producing { continuation in
            for delta in deltas { continuation.yield(.textDelta(delta)) }
            let (never, keepOpen) = AsyncStream<Void>.makeStream()
            for await _ in never {}  // ends only when this task is cancelled
            keepOpen.finish()
            throw CancellationError()
        }
    }
}

/// A real SQLite file in a fresh temp dir, with an engine and the seed assistant on it.
struct EngineFixture {
    let directory = TemporaryDirectory("threadline-backends")
    var path: String { directory.file("threads.sqlite") }

    func open(model: any LanguageModel = DemoModel(deltaDelay: .zero), expirySeconds: Int = 600) throws -> LocalEngine {
        try LocalEngine(databasePath: path, model: model, expirySeconds: expirySeconds)
    }
}

extension LocalEngine {
    /// The seed assistant (created once per database).
    func seedAssistant() async throws -> Assistant {
        try await assistant(matching: DefaultConfiguration.assistant)
    }

    /// A thread holding one user message, and the seed assistant.
    func threadAsking(_ question: String) async throws -> (thread: AssistantThread, assistant: Assistant) {
        let assistant = try await seedAssistant()
        let thread = try await createThread()
        _ = try await addMessage(threadID: thread.id, role: "user", text: question)
        return (thread, assistant)
    }

    /// Starts a run on `question` and reads its stream to the end (requires_action).
    func runUntilToolCalls(_ question: String = seedQuestion) async throws -> (thread: AssistantThread, run: Run) {
        let (thread, assistant) = try await threadAsking(question)
        let events = try await collect(createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        guard case .run("requires_action", let run)? = events.last else {
            Issue.record("expected the stream to end with requires_action, got \(events.map(\.name))")
            throw EngineError.invalidRequest("no requires_action")
        }
        return (thread, run)
    }
}

/// Every event of a stream, until it finishes.
func collect(_ stream: LocalEngine.EventStream) async throws -> [StreamEvent] {
    var events: [StreamEvent] = []
    for try await event in stream { events.append(event) }
    return events
}

/// Every output of a model response.
func collect(_ stream: AsyncThrowingStream<ModelOutput, any Error>) async throws -> [ModelOutput] {
    var outputs: [ModelOutput] = []
    for try await output in stream { outputs.append(output) }
    return outputs
}

/// The position of the first event named `name`, or nil.
func index(of name: String, in events: [StreamEvent]) -> Int? {
    events.firstIndex { $0.name == name }
}

/// Polls `condition` with short sleeps for at most about five seconds; true once it holds.
func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<250 {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Outputs for the seed's two calls, as the notebook submits them ("57" and "0.06").
func seedOutputs(for calls: [ToolCall]) -> [ToolOutput] {
    calls.map { call in
        ToolOutput(toolCallID: call.id, output: call.function.name == "get_current_temperature" ? "57" : "0.06")
    }
}

extension Run {
    var toolCalls: [ToolCall] { requiredAction?.submitToolOutputs.toolCalls ?? [] }
}

/// True when the text holds a Hangul syllable.
func containsHangul(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
}

/// The `BackendError` `body` throws; nil (and a recorded issue for another error) otherwise.
func backendError(_ body: () async throws -> Void) async -> BackendError? {
    do {
        try await body()
        return nil
    } catch let error as BackendError {
        return error
    } catch {
        Issue.record("expected a BackendError, got \(error)")
        return nil
    }
}
