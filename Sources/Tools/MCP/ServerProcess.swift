import Foundation
import Synchronization
import ThreadlineCore

/// A stdio MCP server we started: its stdin and stdout are pipes to us (never our own
/// descriptors, which the SDK would make non-blocking), its stderr is appended to a log file,
/// and it runs in a process group of its own so stopping it also ends what it started.
final class ServerProcess: Sendable {
    let pid: pid_t
    /// Our end of the server's stdin.
    let input: Int32
    /// Our end of the server's stdout.
    let output: Int32
    /// The wait status once reaped, and who waits for it until then.
    private let state = Mutex<(ended: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    /// Starts `command` with only `environment`; `onExit` gets the wait status when it ends.
    init(
        command: [String], environment: [String: String], directory: String?, logFile: String,
        onExit: @escaping @Sendable (Int32) -> Void
    ) throws {
        try? FileManager.default.createDirectory(
            atPath: (logFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw ToolError("cannot open \(logFile): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let toServer = try Platform.closeOnExecPipe()
        let fromServer: (read: Int32, write: Int32)
        do {
            fromServer = try Platform.closeOnExecPipe()
        } catch {
            _ = (close(toServer.read), close(toServer.write))
            throw error
        }
        defer { _ = (close(toServer.read), close(fromServer.write)) }
        do {
            pid = try Platform.spawn(
                command, descriptors: (toServer.read, fromServer.write, log), environment: environment, directory: directory)
        } catch {
            _ = (close(toServer.write), close(fromServer.read))
            throw error
        }
        input = toServer.write
        output = fromServer.read
        // A blocking waitpid on a thread of its own: the exit is noticed at once, without polling.
        let pid = pid
        Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let waiting = state.withLock { state in
                state.ended = status
                defer { state.waiters = [] }
                return state.waiters
            }
            waiting.forEach { $0.resume(returning: status) }
            onExit(status)
        }.start()
    }

    deinit {
        _ = (close(input), close(output))
    }

    /// The wait status if the process has ended, without waiting.
    var endedStatus: Int32? { state.withLock { $0.ended } }

    /// The wait status once the process has ended.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state in
                if state.ended == nil { state.waiters.append(continuation) }
                return state.ended
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// SIGTERM to the group, SIGKILL after `grace`; returns once the process is reaped.
    func stop(grace: Duration = .seconds(2)) async {
        guard state.withLock({ $0.ended }) == nil else { return }
        kill(-pid, SIGTERM)
        let pid = pid
        let killer = Task {
            try await Task.sleep(for: grace)
            kill(-pid, SIGKILL)
        }
        _ = await exitStatus()
        killer.cancel()
        // What the server started may outlive it; the group goes too.
        kill(-pid, SIGKILL)
    }

    /// "exited with status 1", "was killed by signal 9".
    static func describe(_ status: Int32) -> String {
        status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
    }
}
