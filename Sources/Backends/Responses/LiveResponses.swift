import Synchronization
import ThreadlineCore

/// What the streams of a `ResponsesBackend` have seen, shared between the stream tasks that
/// write it and the backend that reads it to repair a conversation after an interrupted turn.
final class LiveResponses: Sendable {
    /// The last request of a conversation: what it sent and how far its response got.
    private struct Turn {
        var input: [InputItem]
        var state = ResponsesStreamState()
    }

    private let turns = Mutex<[String: Turn]>([:])
    private let total = Mutex<TokenUsage?>(nil)

    /// A request of `threadID` was accepted with `input`.
    func begin(_ threadID: String, input: [InputItem]) {
        turns.withLock { $0[threadID] = Turn(input: input) }
    }

    /// Records the state of the response streaming in `threadID`.
    func update(_ threadID: String, _ state: ResponsesStreamState, addingUsage usage: TokenUsage?) {
        turns.withLock { $0[threadID]?.state = state }
        if let usage { total.withLock { $0 = $0.map { $0 + usage } ?? usage } }
    }

    /// Forgets the last request of `threadID` (its items are in the conversation now).
    func reset(_ threadID: String) {
        _ = turns.withLock { $0.removeValue(forKey: threadID) }
    }

    /// What the conversation lacks after the last response stopped before it settled (Ctrl-C
    /// or a dropped stream): the server keeps nothing of an aborted response, neither its input
    /// nor its output, so this is that input plus the text streamed so far. Empty otherwise.
    func interruptedItems(_ threadID: String) -> (items: [InputItem], partialText: String?) {
        turns.withLock { turns in
            guard let turn = turns[threadID], !turn.state.isSettled else { return ([], nil) }
            let text = turn.state.text.isEmpty ? nil : turn.state.text
            return (turn.input + (text.map { [.message(role: "assistant", text: $0)] } ?? []), text)
        }
    }

    /// Calls of the last response of `threadID` that no output answered yet (the turn was
    /// cancelled or broke while tools ran); the conversation refuses new input until they are.
    func unansweredCalls(_ threadID: String) -> [ToolCallRequest] {
        turns.withLock { turns in
            guard let state = turns[threadID]?.state, state.isSettled else { return [] }
            return state.toolCalls
        }
    }

    /// Tokens of every response of this session.
    var usage: TokenUsage? { total.withLock { $0 } }
}
