import Foundation
import Synchronization
import ThreadlineCore

/// Writes the conversation to the terminal. Interactive: everything on stdout, tool lines dim.
/// On a colour terminal replies are rendered as Markdown while they stream (`MarkdownStream`);
/// otherwise, and after `/render raw`, they are written exactly as the model sent them. Piped:
/// stdout carries only the assistant's text, one reply per turn ending with a newline; tool
/// calls, notices and errors go to stderr (styled as well when stdout is a colour terminal,
/// as in a one-shot). Untrusted text reaches a terminal only through
/// `TerminalText.sanitized`; a reply written to a stdout that is no terminal is data and stays exact.
public final class Renderer: Sendable {
    public let interactive: Bool
    public let color: Bool
    /// The terminal's current width, asked before each write of a rendered reply; nil: stdout
    /// is no terminal, and nothing is rendered.
    private let columns: (@Sendable () -> Int?)?
    /// The terminal's height, which bounds how far a redraw may go up.
    private let rows: @Sendable () -> Int?
    /// Whether links may be written as OSC 8 hyperlinks.
    private let hyperlinks: Bool
    /// Pieces arriving faster than this are written together: one redraw instead of many.
    static let batchInterval: Duration = .milliseconds(40)
    private let markdownOn: Mutex<Bool>
    private let replyState = Mutex(ReplyState())

    private struct ReplyState {
        var wroteText = false
        /// Whether what was written of the current reply ends with a newline.
        var endsWithNewline = true
        var markdown: MarkdownStream?
        /// Text received but not yet written, while a batch is open.
        var pending = ""
        var lastWrite: ContinuousClock.Instant?
        var flushScheduled = false
    }

    /// - Parameters:
    ///   - markdown: render replies as Markdown (needs `color` and `columns`); `/render` changes it.
    public init(
        interactive: Bool, color: Bool, columns: (@Sendable () -> Int?)? = nil, markdown: Bool = false,
        hyperlinks: Bool = false, rows: @escaping @Sendable () -> Int? = { nil }
    ) {
        self.interactive = interactive
        self.color = color
        self.columns = columns
        self.rows = rows
        self.hyperlinks = hyperlinks
        markdownOn = Mutex(markdown && color && columns != nil)
    }

    /// Color unless NO_COLOR is set (any value) or stdout is not a terminal.
    public static func wantsColor(environment: [String: String], stdoutIsTTY: Bool) -> Bool {
        stdoutIsTTY && environment["NO_COLOR"] == nil
    }

    /// Whether replies are rendered as Markdown.
    public var rendersMarkdown: Bool { markdownOn.withLock { $0 } }

    /// Turns Markdown rendering on or off for following replies; false when it cannot be on
    /// (no colour terminal on stdout).
    @discardableResult
    public func setRendersMarkdown(_ on: Bool) -> Bool {
        guard !on || (color && columns != nil) else { return false }
        markdownOn.withLock { $0 = on }
        return true
    }

    // MARK: the reply

    public func handle(_ event: DriverEvent) {
        switch event {
        case .textDelta(let text):
            guard rendersMarkdown else {
                replyState.withLock { state in
                    state.wroteText = true
                    if !text.isEmpty { state.endsWithNewline = text.hasSuffix("\n") }
                }
                // On a terminal even raw replies are sanitised; piped, they are data, byte for byte.
                return Self.write(columns == nil ? text : TerminalText.sanitized(text), to: 1)
            }
            replyState.withLock { state in
                state.wroteText = true
                state.pending += text
                guard !state.flushScheduled else { return }
                let now = ContinuousClock.now
                if let last = state.lastWrite, now - last < Self.batchInterval {
                    state.flushScheduled = true
                    let wait = Self.batchInterval - (now - last)
                    Task { [self] in
                        try? await Task.sleep(for: wait)
                        flushBatch()
                    }
                } else {
                    writePending(&state)
                }
            }
        case .toolCallsStarted:
            break
        case .toolCallFinished(let result):
            breakLineIfNeeded()
            let line = oneRow("→ " + Self.describe(result))
            Self.write(styled(line, result.isError ? .red : .dim) + "\n", to: interactive ? 1 : 2)
        }
    }

    /// Ends the reply: newline, a mark on partial text, the reason for anything but success,
    /// then one dim status line (elapsed time, tool calls, tokens; stderr when piped).
    public func finishReply(_ summary: TurnSummary?, error: (any Error)? = nil, elapsed: Duration? = nil) {
        let (wroteText, rest) = replyState.withLock { state in
            defer { state = ReplyState() }
            return (state.wroteText, finishText(&state))
        }
        Self.write(rest, to: 1)
        // The reply's text ends with a newline; a run that failed before writing anything leaves
        // stdout as it was, with no empty line.
        if wroteText || summary?.outcome == .completed { Self.write("\n", to: 1) }
        let cancelled = summary?.outcome == .cancelled
        // A partial reply is marked on a row of its own, after its text: the mark says it all
        // for a cancelled run, a failed one still gets its reason below.
        if wroteText && summary?.outcome != .completed {
            let mark = cancelled ? "[cancelled: partial reply]" : "[incomplete reply]"
            Self.write(styled(mark, .yellow) + "\n", to: interactive ? 1 : 2)
        }
        if let problem = summary?.outcome.problem {
            if !cancelled {
                self.error(problem)
            } else if !wroteText {
                notice(problem)
            }
        }
        if let error { self.error(Self.oneLine(error)) }
        if let line = summary.map({ Self.statusLine($0, elapsed: elapsed) }), !line.isEmpty { notice(line) }
    }

    /// Elapsed time, tool calls and tokens; empty when a turn that did not complete has nothing
    /// but its time to tell (a bare "0.0s" under an error says nothing).
    static func statusLine(_ summary: TurnSummary, elapsed: Duration?) -> String {
        var parts: [String] = []
        if let elapsed, summary.outcome == .completed || !summary.toolResults.isEmpty || summary.usage != nil {
            parts.append(String(format: "%.1fs", elapsed.inSeconds))
        }
        if !summary.toolResults.isEmpty {
            parts.append("\(summary.toolResults.count) tool call\(summary.toolResults.count == 1 ? "" : "s")")
        }
        if let usage = summary.usage {
            parts.append("\(usage.inputTokens) in / \(usage.outputTokens) out tokens")
        }
        return parts.joined(separator: " · ")
    }

    private func breakLineIfNeeded() {
        let (rest, needsBreak) = replyState.withLock { state in
            defer { state.endsWithNewline = true }
            let rest = finishText(&state)
            return (rest, !state.endsWithNewline)
        }
        Self.write(rest, to: 1)
        if needsBreak { Self.write("\n", to: interactive ? 1 : 2) }
    }

    /// Writes the open batch of a rendered reply (called when its interval has passed).
    private func flushBatch() {
        replyState.withLock { state in
            state.flushScheduled = false
            writePending(&state)
        }
    }

    /// Writes the batched text through the Markdown stream, re-flowing the line being written
    /// first when the terminal was resized (also with nothing batched, before the reply ends).
    /// Called with the state locked, so writes keep order.
    private func writePending(_ state: inout ReplyState) {
        guard !state.pending.isEmpty || state.markdown != nil else { return }
        let width = columns?() ?? 80
        var stream = state.markdown ?? MarkdownStream(width: width, hyperlinks: hyperlinks)
        stream.maxRedrawRows = max((rows() ?? 24) - 1, 1)
        let output = stream.resize(to: width) + stream.feed(state.pending)
        if !state.pending.isEmpty { state.endsWithNewline = state.pending.hasSuffix("\n") }
        state.pending = ""
        state.markdown = stream
        state.lastWrite = .now
        Self.write(output, to: 1)
    }

    /// What ends the reply's text so far: the rest of a rendered reply (its last line styled,
    /// held table rows), after which the next text starts a fresh Markdown stream.
    private func finishText(_ state: inout ReplyState) -> String {
        writePending(&state)
        guard var stream = state.markdown else { return "" }
        state.markdown = nil
        let rest = stream.finish()
        if !rest.isEmpty { state.endsWithNewline = false }
        return rest
    }

    // MARK: everything else

    /// The window's width in columns, for text laid out to fit it; 80 when unknown (piped).
    public var width: Int { columns?() ?? 80 }

    /// A one-row item (a tool call, a list row) cut with `…` to the window's width, so the
    /// terminal never wraps it; whole when there is no window (piped).
    public func oneRow(_ text: String) -> String {
        columns?().map { Self.cut(text, to: $0) } ?? text
    }

    /// `text` on one line, at most `width` display columns (Hangul counts two): cut with `…`
    /// when longer. The one way Threadline shortens text, for rows and quoted values alike.
    public static func cut(_ text: String, to width: Int) -> String {
        let single = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard DisplayWidth.of(single) > width else { return single }
        var kept = ""
        var used = 0
        for character in single {
            let next = DisplayWidth.of(character: character)
            if used + next > width - 1 { break }
            kept.append(character)
            used += next
        }
        return kept + "…"
    }

    /// Output of a slash command (stdout when interactive, stderr when piped), sanitised and
    /// wrapped to the window between words.
    public func info(_ text: String) {
        infoLine(wrappedToWindow(TerminalText.sanitized(text)))
    }

    /// `info` for text already safe for the terminal (sanitised, then styled).
    private func infoLine(_ safeText: String) {
        Self.write(safeText + "\n", to: interactive ? 1 : 2)
    }

    /// A thread's conversation, as `/history` and `threads show` print it; a reply that a
    /// `/retry` replaced is dim and marked.
    public func transcript(_ entries: [TranscriptEntry]) {
        let superseded = TranscriptEntry.supersededIndices(in: entries)
        for (index, entry) in entries.enumerated() {
            switch entry.kind {
            case .user: info("you> \(entry.text)")
            case .assistant where superseded.contains(index):
                infoLine(
                    styled(
                        wrappedToWindow(TerminalText.sanitized(entry.text) + (entry.isPartial ? " [partial]" : "") + " [superseded]"), .dim)
                )
            case .assistant:
                // A plain reply is wrapped with its mark; a rendered one already fits its rows.
                let mark = entry.isPartial ? " [partial]" : ""
                infoLine(rendersMarkdown ? formatted(entry.text) + mark : formatted(entry.text + mark))
            case .toolCall(let name, let arguments, let output):
                let result = ToolCallResult(
                    call: ToolCallRequest(id: "", name: name, arguments: arguments), output: output ?? "(no output)",
                    isError: false)
                notice(oneRow("→ " + Self.describe(result)))
            }
        }
    }

    /// A stored reply as `/history` shows it: rendered like a streamed one when replies are
    /// (the Markdown renderer sanitises), else sanitised and wrapped to the window.
    private func formatted(_ text: String) -> String {
        guard rendersMarkdown else { return wrappedToWindow(TerminalText.sanitized(text)) }
        return MarkdownDocument.render(text, width: columns?() ?? 80, hyperlinks: hyperlinks)
    }

    /// Puts `text` on the terminal's clipboard (OSC 52); false when stdout is no terminal.
    public func copyToClipboard(_ text: String) -> Bool {
        guard columns != nil else { return false }
        Self.write(Clipboard.sequence(copying: text, insideTmux: ProcessInfo.processInfo.environment["TMUX"] != nil), to: 1)
        return true
    }

    /// A dim status line (stderr when piped), sanitised.
    public func notice(_ text: String) {
        guard !text.isEmpty else { return }
        let safe = TerminalText.sanitized(text)
        if interactive {
            Self.write(styled(wrappedToWindow(safe), .dim) + "\n", to: 1)
        } else {
            Self.write(styled(safe, .dim) + "\n", to: 2)
        }
    }

    /// One error line on stderr, sanitised: it may quote a server's message.
    public func error(_ text: String) {
        Self.write(styled(wrappedToWindow("error: " + TerminalText.sanitized(text)), .red) + "\n", to: 2)
    }

    /// Text wrapped to the window between words, by display width; as it is when there is no window.
    private func wrappedToWindow(_ text: String) -> String {
        guard let width = columns?() else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { Self.wrapped(String($0), width: width) }.joined(separator: "\n")
    }

    /// `text` wrapped to `width` by display width between words (Hangul-safe), the first row after
    /// `prefix` and the others after `hangingPrefix`: the one wrapping of replies, notices and `/help`.
    static func wrapped(_ text: String, width: Int, prefix: String = "", hangingPrefix: String = "") -> [String] {
        StyledWrapping.rows([StyledRun(text)], width: width, prefix: [StyledRun(prefix)], hangingPrefix: [StyledRun(hangingPrefix)])
            .map(\.plainText)
    }

    enum Style: String {
        case dim = "2"
        case red = "31"
        case yellow = "33"
        case bold = "1"
    }

    func styled(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The prompt; it names an active instructions override so it is always visible, and is
    /// `... ` while a multi-line input is still open.
    public func prompt(overrideActive: Bool, continuing: Bool = false) -> String {
        if continuing { return "... " }
        return overrideActive ? "[instructions] > " : "> "
    }

    /// `get_rain_probability(location: 부산/경상남도) = 0.06`, one line, long outputs cut; the
    /// model chose the name and arguments, so the line is sanitised.
    static func describe(_ result: ToolCallResult) -> String {
        var arguments = result.call.arguments
        if let object = (try? JSONValue.parse(arguments))?.objectValue {
            arguments = object.keys.sorted().map { key in "\(key): \(plain(object[key]!))" }.joined(separator: ", ")
        }
        return TerminalText.sanitized("\(result.call.name)(\(arguments)) = \(cut(result.output, to: 60))")
    }

    private static func plain(_ value: JSONValue) -> String {
        value.stringValue ?? value.jsonText
    }

    /// Threads as `/threads` and `threads list` show them, most recently used first: number
    /// (for `/resume N`; `*` marks `current`), id, when last used, first line.
    public static func threadRows(_ threads: [ThreadSummary], current: String? = nil) -> [String] {
        let numberWidth = String(threads.count).count
        return threads.enumerated().map { index, thread in
            let number = String(repeating: " ", count: numberWidth - String(index + 1).count) + String(index + 1)
            let marker = thread.id == current ? "*" : " "
            let title = cut(thread.title ?? "(empty)", to: 60)
            return "\(number)\(marker) \(thread.id)  used \(shortDate(thread.lastUsedAt))  \(title)"
        }
    }

    /// `2026-11-30 21:05`, in local time, as thread lists show dates.
    public static func shortDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// An error as one line, whatever its description holds.
    public static func oneLine(_ error: any Error) -> String {
        cut("\(error)", to: 400)
    }

    static func write(_ text: String, to descriptor: Int32) {
        guard !text.isEmpty else { return }
        writeAll(descriptor, Array(text.utf8))
    }
}
