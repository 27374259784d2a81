import Foundation

/// A real terminal for REPL tests: a detached tmux session running one command.
public final class TmuxSession {
    public let name: String
    private let socket: String

    /// Starts `command` (a shell command line) in a 100x40 UTF-8 tmux session.
    public init(command: String, width: Int = 100, height: Int = 40) throws {
        name = "tl-\(UUID().uuidString.prefix(8))"
        socket = FileManager.default.temporaryDirectory.path + "/\(name).sock"
        guard let executable = Self.executable else { throw TmuxError("tmux is not installed; run `make test`, which installs it") }
        // The tmux server outlives this call and would inherit every open descriptor of the
        // test process (other tests' pipes included), so it is started through Python's
        // subprocess, which closes them in the child.
        let launcher =
            "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL, "
            + "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))"
        let started = try ProcessRunner.run(
            "/usr/bin/env",
            [
                "python3", "-c", launcher, executable, "-S", socket, "-u", "new-session", "-d", "-s", name,
                "-x", "\(width)", "-y", "\(height)", command,
            ])
        guard started.status == 0 else { throw TmuxError("tmux new-session exited with \(started.status)") }
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// The path of tmux, or nil when it is not installed.
    public static var executable: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Types literal text (no key names interpreted).
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    /// Presses keys by tmux name: "Enter", "Up", "C-c", "C-d", "Tab".
    public func press(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// The visible screen.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-t", name, "-p"])
    }

    /// The visible screen with its colours and attributes as escape sequences.
    public func styledScreen() throws -> String {
        try tmux(["capture-pane", "-t", name, "-p", "-e"])
    }

    /// The scrollback and the screen, oldest row first.
    public func history() throws -> String {
        try tmux(["capture-pane", "-t", name, "-p", "-S", "-"])
    }

    /// The pane's title, as an OSC 0/2 sequence from the application would set it.
    public func title() throws -> String {
        try tmux(["display-message", "-p", "-t", name, "#{pane_title}"]).trimmingCharacters(in: .newlines)
    }

    /// Resizes the window, as when the user resizes the terminal; tmux re-flows wrapped rows.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Sets a session option, e.g. `set-clipboard on` so the application may set tmux's buffer.
    public func setOption(_ option: String, _ value: String) throws {
        try tmux(["set-option", "-g", option, value])
    }

    /// The newest paste buffer (what an OSC 52 copy put there), or nil when there is none.
    public func pasteBuffer() -> String? {
        try? tmux(["show-buffer"])
    }

    /// Polls the screen until `predicate` holds (at most `seconds`), returning the last screen.
    /// Waiting is bounded so a broken REPL fails the test instead of hanging it, and suspends
    /// between polls so other tests keep the concurrency pool's few threads.
    @discardableResult
    public func waitFor(seconds: Double = 15, _ predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = (try? screen()) ?? last
            if predicate(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw TmuxError("tmux is not installed; run `make test`, which installs it") }
        let output = try ProcessRunner.run(executable, ["-S", socket] + arguments)
        return output.stdout
    }
}

/// tmux is missing (`make test` installs it) or failed to start.
public struct TmuxError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
