import Synchronization
import ThreadlineCore

/// What the streams of a `ResponsesBackend` have seen, shared between the stream tasks that
/// write it and the backend that reads it to cancel a turn or answer calls left open.
final class LiveResponses: Sendable {
    private let latest = Mutex<[String: ResponsesStreamState]>([:])
    private let total = Mutex<TokenUsage?>(nil)

    /// Records the state of the response streaming in `threadID`.
    func update(_ threadID: String, _ state: ResponsesStreamState, addingUsage usage: TokenUsage?) {
        latest.withLock { $0[threadID] = state }
        if let usage { total.withLock { $0 = $0.map { $0 + usage } ?? usage } }
    }

    /// Forgets the last response of `threadID` (its calls were answered or its text stored).
    func reset(_ threadID: String) {
        _ = latest.withLock { $0.removeValue(forKey: threadID) }
    }

    /// The last response of `threadID`, if not reset since.
    func last(_ threadID: String) -> ResponsesStreamState? {
        latest.withLock { $0[threadID] }
    }

    /// Calls of the last response of `threadID` that no output answered yet (the turn was
    /// cancelled or broke while tools ran); the conversation refuses new input until they are.
    func unansweredCalls(_ threadID: String) -> [ToolCallRequest] {
        guard let state = last(threadID), state.isSettled else { return [] }
        return state.toolCalls
    }

    /// Tokens of every response of this session.
    var usage: TokenUsage? { total.withLock { $0 } }
}
