import Foundation

/// Owns every tmux server and child process the tests start. Each is ended when its test lets go of
/// it (on every exit path, a thrown error or a failed `#require` included) and, as a last resort, when
/// the test process exits; `make test` then checks that nothing is left (scripts/check-test-leftovers.sh).
public final class TestChildren: @unchecked Sendable {
    /// Every tmux socket name the tests use starts with this, so leftovers are recognisable and a
    /// developer's own tmux servers are never touched.
    public static let tmuxPrefix = "threadline-test-"

    /// The one owner.
    public static let shared = TestChildren()

    private let lock = NSLock()
    private var processes: [ObjectIdentifier: Process] = [:]
    private var tmuxServers: [String: [pid_t]] = [:]

    private init() {
        atexit { TestChildren.shared.endAll() }
    }

    /// Tracks a started child until `end(_:)`.
    public func track(_ process: Process) {
        lock.withLock { processes[ObjectIdentifier(process)] = process }
    }

    /// Ends the child if it still runs (SIGKILL: a test that lets go no longer reads it) and forgets it.
    public func end(_ process: Process) {
        lock.withLock { _ = processes.removeValue(forKey: ObjectIdentifier(process)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Tracks a tmux server by its `-L` socket name, with the pids of the server and its pane, until `endTmux(_:)`.
    func trackTmux(_ socketName: String, pids: [pid_t]) {
        lock.withLock { tmuxServers[socketName] = pids }
    }

    /// Kills the tmux server and whatever still runs in its pane, and forgets it.
    func endTmux(_ socketName: String) {
        let pids = lock.withLock { tmuxServers.removeValue(forKey: socketName) } ?? []
        if let tmux = TmuxSession.executable { _ = try? Self.run(tmux, ["-L", socketName, "kill-server"]) }
        // kill-server hangs the pane up; a program that outlives the hang-up is killed, so no test
        // leaves a process behind.
        for pid in pids where Self.outlives(pid, seconds: 2) { kill(pid, SIGKILL) }
    }

    /// Ends everything still tracked, by signals only: the process is exiting.
    private func endAll() {
        let (children, servers) = lock.withLock { (Array(processes.values), Array(tmuxServers.values)) }
        for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
        for pid in servers.joined() { kill(pid, SIGKILL) }
    }

    /// True when `pid` still exists after waiting up to `seconds` for it to go.
    private static func outlives(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while kill(pid, 0) == 0 {
            if Date() >= deadline { return true }
            usleep(20_000)
        }
        return false
    }

    /// A short tmux command, run directly (not through ProcessRunner, which tracks its children here).
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try spawning { try process.run() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
