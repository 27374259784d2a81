import Foundation
import Synchronization
import ThreadlineCore

/// One run of an external program: input on stdin, stdout and stderr collected, a deadline.
///
/// The child is spawned with `posix_spawn` in its own process group with every descriptor but
/// 0–2 closed, so parallel runs never inherit each other's pipes. The waiting happens on a
/// dedicated thread (a `poll` loop), never on the cooperative pool.
struct ChildProcess: Sendable {
    /// How the program ended.
    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// The deadline passed; the process group was sent SIGTERM, then SIGKILL.
        case timedOut
        /// The calling task was cancelled; the process group was killed.
        case cancelled
    }

    struct Result: Sendable {
        var ending: Ending
        /// At most `outputLimit` bytes of stdout.
        var stdout: Data
        /// Every byte the program wrote to stdout, kept or not.
        var stdoutTotal: Int
        /// At most `errorLimit` bytes of stderr.
        var stderr: Data
    }

    var arguments: [String]
    var timeout: Duration
    /// All the child sees of the environment.
    var environment: [String: String]
    var outputLimit = 64 << 10
    var errorLimit = 4 << 10
    /// Between SIGTERM and SIGKILL after the deadline.
    var killGrace: Duration = .seconds(1)

    /// Starts the program, feeds it `input`, and waits for it to end or the deadline.
    func run(input: Data) async throws -> Result {
        let spawned = try spawn()
        let cancel = CancelSignal(spawned.cancelWrite)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
                let loop = WaitLoop(process: self, spawned: spawned, input: input, cancel: cancel)
                Thread { continuation.resume(returning: loop.run()) }.start()
            }
        } onCancel: {
            cancel.fire()
        }
    }

    /// Our ends of the child's pipes, and the pipe that wakes the wait loop on cancellation.
    struct Spawned: Sendable {
        var pid: pid_t
        var stdin: Int32
        var stdout: Int32
        var stderr: Int32
        var cancelRead: Int32
        var cancelWrite: Int32
    }

    private func spawn() throws -> Spawned {
        var pipes: [(read: Int32, write: Int32)] = []
        do {
            for _ in 0..<4 { pipes.append(try Platform.closeOnExecPipe()) }
        } catch {
            pipes.forEach { _ = (close($0.read), close($0.write)) }
            throw error
        }
        let (input, output, errors, cancel) = (pipes[0], pipes[1], pipes[2], pipes[3])
        defer { [input.read, output.write, errors.write].forEach { _ = close($0) } }
        let pid: pid_t
        do {
            pid = try Platform.spawn(arguments, descriptors: (input.read, output.write, errors.write), environment: environment)
        } catch {
            [input.write, output.read, errors.read, cancel.read, cancel.write].forEach { _ = close($0) }
            throw error
        }
        for fd in [input.write, output.read, errors.read] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        return Spawned(
            pid: pid, stdin: input.write, stdout: output.read, stderr: errors.read, cancelRead: cancel.read,
            cancelWrite: cancel.write)
    }
}

/// Wakes the wait loop when the task is cancelled; safe against the loop having closed the pipe.
final class CancelSignal: Sendable {
    private let writeEnd: Mutex<Int32?>

    init(_ fd: Int32) { writeEnd = Mutex(fd) }

    func fire() {
        writeEnd.withLock { fd in
            guard let fd else { return }
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    /// Closes the pipe; later `fire()` calls do nothing.
    func disarm() {
        writeEnd.withLock { fd in
            if let open = fd { _ = close(open) }
            fd = nil
        }
    }
}
