import Foundation

/// A real terminal for REPL tests: a detached tmux session running one command.
public final class TmuxSession {
    public let name: String

    /// Starts `command` (a shell command line) in a 100x40 UTF-8 tmux session.
    public init(command: String, width: Int = 100, height: Int = 40) throws {
        // The name is also the `-L` socket name: tmux keeps it in its own per-user directory, and
        // the prefix marks it as a test's (TestChildren).
        name = TestChildren.tmuxPrefix + UUID().uuidString.prefix(8).lowercased()
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
                "python3", "-c", launcher, executable, "-L", name, "-u", "new-session", "-d", "-s", name,
                "-x", "\(width)", "-y", "\(height)", command,
            ])
        guard started.status == 0 else { throw TmuxError("tmux new-session exited with \(started.status)") }
        let pids = (try? tmux(["display-message", "-p", "-t", name, "#{pid} #{pane_pid}"])) ?? ""
        TestChildren.shared.trackTmux(name, pids: pids.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) })
    }

    /// Ends the tmux server and the program in it, whatever way the test leaves.
    deinit {
        TestChildren.shared.endTmux(name)
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

    /// The REPL's prompts: the first line's (with and without an instructions override) and a continuation line's.
    public static let prompts = ["> ", "[instructions] > ", "... "]

    /// Waits until the application waits for a new line: the cursor's row holds just a prompt and
    /// the cursor is right after it. Typing before that may arrive while the last line is still
    /// being read, in the same read as its Enter, where it counts as a continuation, not a new line.
    @discardableResult
    public func waitForEmptyPrompt(seconds: Double = 15) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            // One tmux call for both, so the cursor and the screen are of the same moment.
            if let output = try? tmux([
                "display-message", "-p", "-t", name, "#{cursor_x} #{cursor_y}", ";", "capture-pane", "-t", name, "-p",
            ]) {
                var rows = output.split(separator: "\n", omittingEmptySubsequences: false)
                let cursor = rows.isEmpty ? [] : rows.removeFirst().split(separator: " ").compactMap { Int($0) }
                last = rows.joined(separator: "\n")
                if cursor.count == 2, cursor[1] < rows.count {
                    let row = rows[cursor[1]].padding(toLength: max(cursor[0], rows[cursor[1]].count), withPad: " ", startingAt: 0)
                    if Self.prompts.contains(where: { $0.count == cursor[0] && row == $0 }) { return last }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxError("no empty prompt within \(Int(seconds)) s; the screen:\n\(last)")
    }

    /// Waits for the empty prompt, types `line` and presses Enter.
    public func enter(_ line: String) async throws {
        try await waitForEmptyPrompt()
        try type(line)
        try press("Enter")
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw TmuxError("tmux is not installed; run `make test`, which installs it") }
        let output = try ProcessRunner.run(executable, ["-L", name] + arguments)
        return output.stdout
    }
}

/// tmux is missing (`make test` installs it) or failed to start.
public struct TmuxError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
