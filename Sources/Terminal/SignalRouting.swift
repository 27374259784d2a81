import Synchronization
import ThreadlineCore

/// What a signal asks of the session, given what it is doing: a pure state machine, whose
/// actions `SignalRouter` performs. Ctrl-C cancels a streaming turn, and a second one stops its
/// wait for the backend to cancel the run (up to 5 s remotely); SIGTERM, SIGHUP and SIGQUIT
/// cancel it as well and end the process once it is over (stored as cancelled, with its partial
/// reply), end it after the editor exits, and at once otherwise.
struct SignalRouting {
    enum Activity: Sendable {
        case idle
        case turn(Task<TurnSummary, any Error>, CancelWait? = nil)
        /// `$VISUAL` owns the terminal; it gets the keyboard's signals itself.
        case editor
    }

    enum Action: Equatable {
        case none
        case cancel(Task<TurnSummary, any Error>)
        case stopWaiting(CancelWait)
        case exit(signal: Int32)
    }

    private(set) var activity = Activity.idle
    /// True once Ctrl-C cancelled the current turn.
    private var turnInterrupted = false
    /// A termination signal that waits for the turn or the editor to end.
    private(set) var pendingExit: Int32?

    mutating func begin(_ activity: Activity) {
        self.activity = activity
        turnInterrupted = false
    }

    /// Back to idle; the exit a termination signal asked for meanwhile.
    mutating func end() -> Action {
        activity = .idle
        return pendingExit.map { .exit(signal: $0) } ?? .none
    }

    mutating func receive(_ interrupt: Interrupt) -> Action {
        switch (interrupt, activity) {
        case (.interrupt, .turn(let turn, let wait)):
            if turnInterrupted, let wait { return .stopWaiting(wait) }
            turnInterrupted = true
            return .cancel(turn)
        case (.terminate(let signal), .idle):
            return .exit(signal: signal)
        case (.terminate(let signal), .turn(let turn, _)):
            pendingExit = pendingExit ?? signal
            return .cancel(turn)
        case (.terminate(let signal), .editor):
            pendingExit = pendingExit ?? signal
            return .none
        case (.interrupt, _), (.resize, _):
            // At the prompt Ctrl-C is a key libedit reads; in the editor it is the editor's.
            return .none
        }
    }
}

/// Feeds the session's signals through `SignalRouting` and performs what it decides.
final class SignalRouter: Sendable {
    private let routing = Mutex(SignalRouting())
    private let exit: @Sendable (_ signal: Int32, _ midLine: Bool) -> Void
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// `exit` ends the process; `midLine` when the signal came while the prompt or a command
    /// had the screen, rather than after a turn's status line.
    init(interrupts: Interrupts, exit: @escaping @Sendable (_ signal: Int32, _ midLine: Bool) -> Void) {
        self.exit = exit
        let events = interrupts.events()
        let task = Task { [weak self] in
            for await interrupt in events {
                guard let self else { return }
                perform(routing.withLock { $0.receive(interrupt) }, midLine: true)
            }
        }
        listener.withLock { $0 = task }
    }

    deinit {
        listener.withLock { $0?.cancel() }
    }

    func begin(_ activity: SignalRouting.Activity) {
        routing.withLock { $0.begin(activity) }
    }

    /// Ends the activity; exits when a termination signal came during it.
    func end() {
        perform(routing.withLock { $0.end() }, midLine: false)
    }

    private func perform(_ action: SignalRouting.Action, midLine: Bool) {
        switch action {
        case .none: break
        case .cancel(let turn): turn.cancel()
        case .stopWaiting(let wait): wait.abandon()
        case .exit(let signal): exit(signal, midLine)
        }
    }
}
