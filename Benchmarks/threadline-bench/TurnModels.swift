import AssistantsWire
import Backends
import Synchronization
import ThreadlineCore

/// What a `TimedModel` saw: when its first text delta came (from the call) and how long it
/// streamed in all, summed over the steps of a turn.
final class ModelTimes: Sendable {
    private let state = Mutex<(firstDelta: Duration?, total: Duration)>((nil, .zero))

    func reset() { state.withLock { $0 = (nil, .zero) } }
    var firstDelta: Duration? { state.withLock { $0.firstDelta } }
    var total: Duration { state.withLock { $0.total } }

    fileprivate func record(firstDelta: Duration) { state.withLock { $0.firstDelta = $0.firstDelta ?? firstDelta } }
    fileprivate func add(_ duration: Duration) { state.withLock { $0.total += duration } }
}

/// Wraps a model to time it: the engine's overhead is what the turn takes beyond this.
struct TimedModel: LanguageModel {
    var inner: any LanguageModel
    var times: ModelTimes

    var displayName: String { inner.displayName }

    func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        let outputs = inner.respond(to: request)
        let times = times
        return AsyncThrowingStream { continuation in
            let task = Task {
                let start = ContinuousClock.now
                do {
                    for try await output in outputs {
                        if case .textDelta = output { times.record(firstDelta: .now - start) }
                        continuation.yield(output)
                    }
                    times.add(.now - start)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A model that asks for `calls` parallel calls of one tool, then answers "done" once the
/// outputs are in.
struct FanOutModel: LanguageModel {
    var calls: Int
    var toolName: String

    var displayName: String { "fan-out (\(calls) × \(toolName))" }

    func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        let answered: Bool
        if case .toolCalls = request.turns.last { answered = true } else { answered = false }
        let outputs: [ModelOutput] =
            answered
            ? [.textDelta("done")]
            : (0..<calls).map { _ in .toolCall(name: toolName, arguments: "{}") }
        return AsyncThrowingStream { continuation in
            outputs.forEach { continuation.yield($0) }
            continuation.finish()
        }
    }
}

/// The in-process tool of the parallel-tools case: sleeps for its latency.
struct SleepTool: Tool {
    var name: String
    var latency: Duration

    var provider: String { "bench" }
    var parametersSchema: String { #"{"type":"object","properties":{}}"# }

    func call(arguments: [String: JSONValue]) async throws -> String {
        try await Task.sleep(for: latency)
        return "ok"
    }
}
