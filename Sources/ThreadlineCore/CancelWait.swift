import Synchronization

/// The wait of a cancelled turn for its backend to cancel the run (a remote cancel request may
/// take up to its deadline on a black-holed network), which a second Ctrl-C abandons at once.
/// One per turn; equal only to itself.
public final class CancelWait: Sendable, Equatable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Bool, Never>)
        case finished
        case abandoned
    }

    private let state = Mutex(State.idle)

    public init() {}

    /// Ends the wait now (it returns false), or makes the next one return false at once.
    public func abandon() {
        let waiting = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            defer { state = .abandoned }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume(returning: false)
    }

    /// True once `abandon()` was called.
    public var isAbandoned: Bool {
        state.withLock { if case .abandoned = $0 { true } else { false } }
    }

    /// Waits for `request` to end; false when the wait was abandoned first. It ignores the
    /// caller's cancellation: the caller is the turn that was just cancelled.
    func wait(for request: Task<Void, Never>) async -> Bool {
        Task.detached {
            await request.value
            self.finish()
        }
        return await withCheckedContinuation { continuation in
            let result = state.withLock { state -> Bool? in
                switch state {
                case .finished: return true
                case .abandoned: return false
                case .idle, .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let result { continuation.resume(returning: result) }
        }
    }

    private func finish() {
        let waiting = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            switch state {
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .idle:
                state = .finished
                return nil
            case .finished, .abandoned:
                return nil
            }
        }
        waiting?.resume(returning: true)
    }

    public static func == (lhs: CancelWait, rhs: CancelWait) -> Bool { lhs === rhs }
}
