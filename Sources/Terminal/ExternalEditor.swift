import Foundation
import ThreadlineCore

/// `$VISUAL`, else `$EDITOR`, else `vi`, run on a temporary file (mode 0600) that holds the
/// text to start from; the saved text comes back. The command may carry arguments
/// (`code --wait`), so it runs through `/bin/sh`.
struct ExternalEditor {
    var command: String

    init(environment: [String: String]) {
        command =
            [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
    }

    /// The saved text without blank lines around it, or nil when the file was left empty or
    /// not saved at all (quitting without writing must not send the prefilled text).
    func edit(_ text: String) throws -> String? {
        let path = FileManager.default.temporaryDirectory.path + "/threadline-\(UUID().uuidString.prefix(8)).md"
        // Dated a minute back, so that any write, however quick, changes the date.
        let stamp = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 60).rounded())
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600, .modificationDate: stamp])
        else { throw EditorError(description: "cannot create a temporary file for the editor") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let status = try TerminalInfo.withBracketedPasteOff { try run(path) }
        guard status == 0 else { throw EditorError(description: "editor `\(command)` exited with status \(status); nothing sent") }
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        guard modified != stamp else { return nil }
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        let trimmed = MultilineInput.trimmingBlankEdges(saved)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Spawned directly rather than with Foundation's Process, which puts the child in a process
    /// group of its own: an editor outside the terminal's foreground group cannot read the keyboard.
    private func run(_ path: String) throws -> Int32 {
        let script = command + " \"$1\""
        let words: [String] = ["/bin/sh", "-c", script, "sh", path]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let environment = Self.environment().map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environment)
        guard spawned == 0 else {
            throw EditorError(description: "cannot start editor `\(command)`: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS, which Swift does not import: a signal counts as 128 + its number.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

extension ExternalEditor {
    /// The clean environment every child gets (no API keys), with this process's locale: its
    /// LC_* variables, plus the UTF-8 character set it chose when LANG named none (see
    /// `TerminalInfo.setUpLocale`), so the editor shows Hangul instead of bytes.
    static func environment(_ parent: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var variables = ChildEnvironment.clean(from: parent, adding: parent.filter { $0.key.hasPrefix("LC_") })
        if variables["LC_ALL"] == nil, let current = setlocale(LC_CTYPE, nil).map({ String(cString: $0) }), current != "C" {
            variables["LC_CTYPE"] = current
        }
        return ChildEnvironment.entries(variables)
    }
}

/// The editor could not run or failed; nothing is sent.
struct EditorError: Error, CustomStringConvertible {
    var description: String
}
