import AssistantsWire
import ThreadlineCore

/// Turns Assistants v2 stream events into `RunEvent`s; shared by the local engine and the
/// HTTP client, so both backends behave the same in the RunDriver. One translator follows one
/// stream: it assembles the tool calls of the step being streamed. Once the run has finished or
/// asked for tools, the stream's later events are out of order and ignored.
public struct AssistantsEventTranslator: Sendable {
    private var streamedCalls = ToolCallAssembler()
    private var isSettled = false

    public init() {}

    public mutating func translate(_ event: StreamEvent) -> [RunEvent] {
        guard !isSettled else { return [] }
        let events = translated(event)
        isSettled = events.contains { event in
            switch event {
            case .finished, .toolCallsRequired: true
            default: false
            }
        }
        return events
    }

    private mutating func translated(_ event: StreamEvent) -> [RunEvent] {
        switch event {
        case .run(phase: "created", let run):
            return [.started(runID: run.id)]
        case .runStep(phase: "created", let step) where step.type == "tool_calls":
            streamedCalls.reset()
            return []
        case .runStepDelta(let delta):
            streamedCalls.apply(delta)
            return []
        case .run(phase: "requires_action", let run):
            // required_action is authoritative; the streamed fragments serve servers that omit it.
            var calls = run.requiredAction?.submitToolOutputs.toolCalls ?? []
            if calls.isEmpty { calls = streamedCalls.toolCalls }
            return [.toolCallsRequired(calls.map { ToolCallRequest(id: $0.id, name: $0.function.name, arguments: $0.function.arguments) })]
        case .run(phase: "completed", let run):
            return usage(of: run) + [.finished(.completed)]
        case .run(phase: "failed", let run):
            // server_error is the code of every failure without a more specific one: it names nothing.
            let reason = run.lastError.map { $0.code == "server_error" ? $0.message : "\($0.code): \($0.message)" }
            return usage(of: run) + [.finished(.failed(reason ?? "unknown error"))]
        case .run(phase: "incomplete", let run):
            return usage(of: run) + [.finished(.incomplete(run.incompleteDetails?.reason ?? "unknown reason"))]
        case .run(phase: "cancelled", _):
            return [.finished(.cancelled)]
        case .run(phase: "expired", _):
            return [.finished(.expired)]
        case .messageDelta(let delta):
            let text = delta.text
            return text.isEmpty ? [] : [.textDelta(text)]
        case .error(let body):
            return [.finished(.failed(body.message))]
        default:
            return []
        }
    }

    private func usage(of run: Run) -> [RunEvent] {
        guard let usage = run.usage else { return [] }
        return [.usage(TokenUsage(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens))]
    }

    /// Maps a stream of wire events; cancelling the result cancels the source.
    public func translate(
        _ source: AsyncThrowingStream<StreamEvent, any Error>
    ) -> AsyncThrowingStream<RunEvent, any Error> {
        let start = self
        return .producing { continuation in
            var translator = start
            for try await event in source {
                for translated in translator.translate(event) { continuation.yield(translated) }
            }
        }
    }
}
