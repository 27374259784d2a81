import CLibEdit
import Foundation
import Synchronization

/// A signal, as an interactive session sees it.
public enum Interrupt: Sendable, Equatable {
    /// SIGINT: Ctrl-C while a reply streams. (At the prompt Ctrl-C is a key that libedit reads;
    /// it ends the read as `LineInput.interrupted`.)
    case interrupt
    /// SIGTERM, SIGHUP or SIGQUIT: the session is to end, with exit status 128 + the signal.
    case terminate(Int32)
    /// SIGWINCH: the terminal changed size.
    case resize

    init?(signal: Int32) {
        switch signal {
        case SIGINT: self = .interrupt
        case SIGTERM, SIGHUP, SIGQUIT: self = .terminate(signal)
        case SIGWINCH: self = .resize
        default: return nil
        }
    }
}

/// The one place the session's signals arrive. The C handlers only write each signal's number
/// into a pipe; one thread reads it and hands every signal to each sequence from `events()`.
public final class Interrupts: Sendable {
    private struct Subscribers {
        var next = 0
        var continuations: [Int: AsyncStream<Interrupt>.Continuation] = [:]
    }

    private let subscribers = Mutex(Subscribers())

    private static let shared: Interrupts? = {
        let pipe = tl_install_signal_pipe()
        guard pipe >= 0 else { return nil }
        let interrupts = Interrupts()
        let thread = Thread { interrupts.readSignals(from: pipe) }
        thread.name = "threadline signals"
        thread.start()
        return interrupts
    }()

    private init() {}

    /// Takes over SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGWINCH for the rest of the process (the
    /// first call installs, later ones return the same instance); nil when no pipe could be made,
    /// and the signals keep their default actions. Call it before the line editor is created: the
    /// terminal's modes are remembered here, to be restored by `exit(bySignal:)`.
    public static func install() -> Interrupts? { shared }

    /// Every signal from now on, until the consumer stops iterating.
    public func events() -> AsyncStream<Interrupt> {
        let (stream, continuation) = AsyncStream<Interrupt>.makeStream()
        let id = subscribers.withLock { subscribers in
            subscribers.next += 1
            subscribers.continuations[subscribers.next] = continuation
            return subscribers.next
        }
        continuation.onTermination = { [self] _ in
            _ = subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Restores the terminal (bracketed paste off, the modes it had before libedit) and exits
    /// with 128 + `signal`, the status a shell reports for a process ended by that signal.
    public static func exit(bySignal signal: Int32) -> Never {
        tl_restore_terminal()
        Foundation.exit(128 + signal)
    }

    private func readSignals(from pipe: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(pipe, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            for byte in buffer[..<count] {
                guard let interrupt = Interrupt(signal: Int32(byte)) else { continue }
                subscribers.withLock { $0.continuations.values.forEach { $0.yield(interrupt) } }
            }
        }
    }
}
