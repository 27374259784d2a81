import CLibEdit
import Foundation

/// What one read at the prompt produced.
public enum LineInput: Sendable, Equatable {
    /// A line ended with Enter; it may hold newlines (a bracketed paste, a recalled entry).
    case line(String)
    /// A line ended with Ctrl-J or Alt-Enter: the input goes on with the next line.
    case continued(String)
    /// Ctrl-X Ctrl-E: the input so far is to be finished in `$VISUAL`/`$EDITOR`.
    case edit(String)
    /// Ctrl-C at the prompt: the line was cleared.
    case interrupted
    case endOfInput
    /// A piped line that is not valid UTF-8; it is skipped, not guessed at.
    case invalidEncoding(lineNumber: Int)
}

/// Reads user input one line at a time.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    /// Adds an entry to the in-memory recall list (↑/↓, Ctrl-R).
    func remember(_ entry: String)
    /// Text the next `readLine` starts with, in the line ready to send or edit.
    func prefill(_ text: String)
    /// What Tab offers after `command` (a slash command and its space), e.g. thread ids after `/resume `.
    func complete(argumentsOf command: String, with words: [String])
}

extension LineReader {
    /// Readers that cannot edit a line start each read empty.
    public func prefill(_ text: String) {}
    /// Readers without Tab completion ignore the words.
    public func complete(argumentsOf command: String, with words: [String]) {}
}

/// Terminal facts the REPL adapts to.
public enum TerminalInfo {
    /// Selects a UTF-8 locale (C.UTF-8 when LANG/LC_ALL give none); call once at start.
    @discardableResult
    public static func setUpLocale() -> Bool { tl_setup_utf8_locale() != 0 }

    public static var stdinIsTTY: Bool { tl_stdin_is_tty() != 0 }
    public static var stdoutIsTTY: Bool { tl_stdout_is_tty() != 0 }

    /// Columns of the terminal on stdout; nil when stdout is not a terminal.
    public static var columns: Int? {
        let columns = Int(tl_terminal_columns())
        return columns > 0 ? columns : nil
    }

    /// From now until `releaseTypeAhead`, keys typed on a terminal stdin are neither echoed nor
    /// read as lines: they wait, so a reply streaming meanwhile is not garbled by them. Ctrl-C
    /// still interrupts. A no-op when stdin is no terminal.
    public static func holdTypeAhead() { tl_typeahead_hold() }

    /// Ends `holdTypeAhead`: the terminal's modes as before, and the keys typed since, as the
    /// text to prefill the next prompt with (`TypeAhead`). Without `take`, they are left to
    /// whoever reads the terminal next (the shell, after a one-shot), and "" is returned.
    public static func releaseTypeAhead(take: Bool) -> String {
        var count = 0
        guard let bytes = tl_typeahead_release(take ? 1 : 0, &count) else { return "" }
        defer { free(bytes) }
        return TypeAhead.text(
            fromKeys: bytes.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) })
    }

    /// Runs `body` with bracketed paste off, e.g. while an editor owns the terminal.
    public static func withBracketedPasteOff<T>(_ body: () throws -> T) rethrows -> T {
        tl_set_bracketed_paste(0)
        defer { if stdinIsTTY { tl_set_bracketed_paste(1) } }
        return try body()
    }
}

/// libedit on a terminal: emacs keys, history recall, Ctrl-R search, Tab completion of
/// slash commands, Hangul input whatever LANG says, and bracketed paste (a pasted block of
/// several lines is one input; Ctrl-J or Alt-Enter continue the input on a new line).
public final class EditLineReader: LineReader {
    private let history: OpaquePointer
    private let editor: OpaquePointer

    public init?(program: String, completions: [String], historySize: Int = 1000) {
        guard let history = tl_history_open(Int32(historySize)) else { return nil }
        guard let editor = tl_editor_open(program, history) else {
            tl_history_close(history)
            return nil
        }
        self.history = history
        self.editor = editor
        Self.withCStrings(completions) { tl_set_completions($0, $1) }
        tl_enable_bracketed_paste()
    }

    deinit {
        tl_set_bracketed_paste(0)
        tl_editor_close(editor)
        tl_history_close(history)
    }

    public func readLine(prompt: String) -> LineInput {
        tl_set_prompt(prompt)
        var interrupted: Int32 = 0
        var ending: Int32 = 0
        guard let raw = tl_editor_read_line(editor, &interrupted, &ending) else {
            return interrupted != 0 ? .interrupted : .endOfInput
        }
        defer { free(raw) }
        let text = String(cString: raw)
        switch ending {
        case TL_END_CONTINUE: return .continued(text)
        case TL_END_EDIT: return .edit(text)
        default: return .line(text)
        }
    }

    public func remember(_ entry: String) {
        tl_history_add(history, entry)
    }

    public func prefill(_ text: String) {
        tl_set_prefill(text)
    }

    public func complete(argumentsOf command: String, with words: [String]) {
        Self.withCStrings(words) { tl_set_argument_completions(command, $0, $1) }
    }

    /// Hands `words` to C as an array of C strings, valid during `body`.
    private static func withCStrings(_ words: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>, Int32) -> Void) {
        var pointers = words.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.withUnsafeMutableBufferPointer { buffer in
            // An empty array has no base address; C is then given a pointer it does not read.
            guard let base = buffer.baseAddress else { return withUnsafePointer(to: UnsafePointer<CChar>?.none) { body($0, 0) } }
            base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0, Int32(buffer.count)) }
        }
    }
}

/// Reads lines from a non-terminal stdin (pipes, files, scripts) with plain read(2).
public final class PlainLineReader: LineReader {
    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false
    private var lineNumber = 0

    public init(fileDescriptor: Int32 = 0) {
        self.fileDescriptor = fileDescriptor
    }

    public func readLine(prompt: String) -> LineInput {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let bytes = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return decode(bytes)
            }
            if atEnd {
                guard !buffer.isEmpty else { return .endOfInput }
                let bytes = buffer
                buffer = []
                return decode(bytes)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }

    public func remember(_ entry: String) {}

    private func decode(_ bytes: [UInt8]) -> LineInput {
        lineNumber += 1
        var line = bytes
        if line.last == 0x0D { line.removeLast() }
        guard let text = String(validating: line, as: UTF8.self) else {
            return .invalidEncoding(lineNumber: lineNumber)
        }
        return .line(text)
    }
}
