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
        guard let program = arguments.first, !program.isEmpty else { throw ToolError("the command is empty") }
        var pipes: [(read: Int32, write: Int32)] = []
        do {
            for _ in 0..<4 { pipes.append(try Platform.closeOnExecPipe()) }
        } catch {
            pipes.forEach { _ = (close($0.read), close($0.write)) }
            throw error
        }
        let (input, output, errors, cancel) = (pipes[0], pipes[1], pipes[2], pipes[3])
        let childEnds = [input.read, output.write, errors.write]
        var (actions, attributes) = Platform.spawnSettings()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
            childEnds.forEach { _ = close($0) }
        }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        let closeFlags = Platform.closeOtherDescriptors(&actions)
        // Own process group, so a timeout also ends what a shell script started; default signal
        // handling and an empty mask whatever this process uses.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | closeFlags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawnp(&pid, program, &actions, &attributes, argv, Platform.environment)
        guard status == 0 else {
            [input.write, output.read, errors.read, cancel.read, cancel.write].forEach { _ = close($0) }
            throw ToolError("cannot start '\(program)': \(String(cString: strerror(status)))")
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
