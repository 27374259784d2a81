/// What the driver reports while a turn is running, for the renderer.
public enum DriverEvent: Sendable, Equatable {
    case textDelta(String)
    case toolCallsStarted([ToolCallRequest])
    case toolCallFinished(ToolCallResult)
}

/// The end of one user turn.
public struct TurnSummary: Sendable, Equatable {
    public var text: String
    public var outcome: RunOutcome
    public var toolResults: [ToolCallResult]
    public var usage: TokenUsage?
    public var toolRounds: Int
    /// True when a second Ctrl-C stopped the wait for the backend to cancel the run: the run
    /// may still be going on the server until its cancel request lands or the run expires.
    public var cancelAbandoned = false

    public init(
        text: String, outcome: RunOutcome, toolResults: [ToolCallResult], usage: TokenUsage?, toolRounds: Int
    ) {
        self.text = text
        self.outcome = outcome
        self.toolResults = toolResults
        self.usage = usage
        self.toolRounds = toolRounds
    }
}

/// Drives one user turn on any backend: streams the run, answers every tool step with all its
/// outputs in one submission, and stops after `maxToolRounds`.
public struct RunDriver: Sendable {
    public var backend: any ChatBackend
    public var toolRunner: ToolRunner
    public var maxToolRounds: Int
    /// Decides about calls to tools whose approval is `ask`; without one every call runs.
    public var approver: (any ToolApprover)?

    public init(backend: any ChatBackend, toolRunner: ToolRunner, maxToolRounds: Int = 8, approver: (any ToolApprover)? = nil) {
        self.backend = backend
        self.toolRunner = toolRunner
        self.maxToolRounds = maxToolRounds
        self.approver = approver
    }

    /// Runs the turn. Task cancellation (Ctrl-C) cancels the run on the backend and returns a
    /// `.cancelled` summary holding the partial text; transport errors are thrown after the
    /// backend has had the chance to keep what was streamed. `cancelWait.abandon()` (a second
    /// Ctrl-C) stops waiting for that cancel request.
    public func runTurn(
        threadID: String, options: RunOptions, cancelWait: CancelWait = CancelWait(),
        onEvent: @Sendable (DriverEvent) -> Void
    ) async throws -> TurnSummary {
        var state = RunAccumulator()
        var results: [ToolCallResult] = []
        var rounds = 0
        do {
            var stream = try await backend.streamRun(threadID: threadID, options: options)
            while true {
                for try await event in stream {
                    state.apply(event)
                    if case .textDelta(let delta) = event { onEvent(.textDelta(delta)) }
                }
                try Task.checkCancellation()
                let calls = state.pendingToolCalls
                guard !calls.isEmpty, let runID = state.runID else { break }
                guard rounds < maxToolRounds else {
                    try? await backend.cancelRun(threadID: threadID, runID: runID)
                    return summary(state, .failed("stopped after \(maxToolRounds) tool rounds"), results, rounds)
                }
                rounds += 1
                onEvent(.toolCallsStarted(calls))
                let roundResults = await toolRunner.run(calls, approver: approver)
                try Task.checkCancellation()
                roundResults.forEach { onEvent(.toolCallFinished($0)) }
                results += roundResults
                state.markToolCallsSubmitted()
                let outputs = roundResults.map { ToolCallOutput(toolCallID: $0.call.id, output: $0.output) }
                stream = try await backend.submitToolOutputs(threadID: threadID, runID: runID, outputs: outputs)
            }
        } catch {
            guard Task.isCancelled || error is CancellationError else { throw error }
            var cancelled = summary(state, .cancelled, results, rounds)
            if let runID = state.runID {
                let backend = backend
                // The current task is cancelled; the cancel request must still go out.
                let request = Task.detached { _ = try? await backend.cancelRun(threadID: threadID, runID: runID) }
                cancelled.cancelAbandoned = !(await cancelWait.wait(for: request))
            }
            return cancelled
        }
        return summary(state, state.outcome ?? .completed, results, rounds)
    }

    private func summary(
        _ state: RunAccumulator, _ outcome: RunOutcome, _ results: [ToolCallResult], _ rounds: Int
    ) -> TurnSummary {
        TurnSummary(text: state.text, outcome: outcome, toolResults: results, usage: state.usage, toolRounds: rounds)
    }
}
