import Foundation
import Synchronization
import ThreadlineCore

/// Writes the conversation to the terminal. Interactive: everything on stdout, tool lines dim,
/// the reply wrapped at the terminal width. Piped: stdout carries only the assistant's text,
/// one reply per turn ending with a newline; tool calls, notices and errors go to stderr.
public final class Renderer: Sendable {
    public let interactive: Bool
    public let color: Bool
    /// The terminal's current width, asked before each delta; nil: no wrapping.
    private let columns: (@Sendable () -> Int?)?
    private let replyState = Mutex(ReplyState())

    private struct ReplyState {
        var wroteText = false
        /// Whether what was written of the current reply ends with a newline.
        var endsWithNewline = true
        var wrapper: ReplyWrapper?

        /// Takes the text the wrapper still holds, to be written now.
        mutating func flush() -> String {
            let rest = wrapper?.finish() ?? ""
            if !rest.isEmpty { endsWithNewline = rest.hasSuffix("\n") }
            return rest
        }
    }

    public init(interactive: Bool, color: Bool, columns: (@Sendable () -> Int?)? = nil) {
        self.interactive = interactive
        self.color = color
        self.columns = columns
    }

    /// Color unless NO_COLOR is set (any value) or stdout is not a terminal.
    public static func wantsColor(environment: [String: String], stdoutIsTTY: Bool) -> Bool {
        stdoutIsTTY && environment["NO_COLOR"] == nil
    }

    // MARK: the reply

    public func handle(_ event: DriverEvent) {
        switch event {
        case .textDelta(let text):
            let width = columns?()
            let output = replyState.withLock { state -> String in
                state.wroteText = true
                var output = text
                if let width {
                    var wrapper = state.wrapper ?? ReplyWrapper(width: width)
                    output = wrapper.resize(to: width) + wrapper.feed(text)
                    state.wrapper = wrapper
                }
                if !output.isEmpty { state.endsWithNewline = output.hasSuffix("\n") }
                return output
            }
            Self.write(output, to: 1)
        case .toolCallsStarted:
            break
        case .toolCallFinished(let result):
            breakLineIfNeeded()
            let line = "→ " + Self.describe(result)
            if interactive {
                Self.write(styled(line, result.isError ? .red : .dim) + "\n", to: 1)
            } else {
                Self.write(line + "\n", to: 2)
            }
        }
    }

    /// Ends the reply: newline, a mark on partial text, the reason for anything but success,
    /// then one dim status line (elapsed time, tool calls, tokens; stderr when piped).
    public func finishReply(_ summary: TurnSummary?, error: (any Error)? = nil, elapsed: Duration? = nil) {
        let (wroteText, rest) = replyState.withLock { state in
            defer { state = ReplyState() }
            return (state.wroteText, state.flush())
        }
        Self.write(rest, to: 1)
        if wroteText && summary?.outcome != .completed {
            let mark = summary?.outcome == .cancelled ? "[cancelled: partial reply]" : "[incomplete reply]"
            if interactive {
                Self.write(" " + styled(mark, .yellow), to: 1)
            } else {
                Self.write(mark + "\n", to: 2)
            }
        }
        Self.write("\n", to: 1)
        if let problem = summary?.outcome.problem { notice(problem) }
        if let error { self.error(Self.oneLine(error)) }
        if let summary { notice(Self.statusLine(summary, elapsed: elapsed)) }
    }

    static func statusLine(_ summary: TurnSummary, elapsed: Duration?) -> String {
        var parts: [String] = []
        if let elapsed {
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
            return (state.flush(), !state.endsWithNewline)
        }
        Self.write(rest, to: 1)
        if needsBreak { Self.write("\n", to: interactive ? 1 : 2) }
    }

    // MARK: everything else

    /// Output of a slash command (stdout when interactive, stderr when piped).
    public func info(_ text: String) {
        Self.write(text + "\n", to: interactive ? 1 : 2)
    }

    /// A thread's conversation, as `/history` and `threads show` print it; a reply that a
    /// `/retry` replaced is dim and marked.
    public func transcript(_ entries: [TranscriptEntry]) {
        let superseded = TranscriptEntry.supersededIndices(in: entries)
        for (index, entry) in entries.enumerated() {
            switch entry.kind {
            case .user: info("you> \(entry.text)")
            case .assistant where superseded.contains(index):
                info(styled(entry.text + (entry.isPartial ? " [partial]" : "") + " [superseded]", .dim))
            case .assistant: info(entry.text + (entry.isPartial ? " [partial]" : ""))
            case .toolCall(let name, let arguments, let output):
                let result = ToolCallResult(
                    call: ToolCallRequest(id: "", name: name, arguments: arguments), output: output ?? "(no output)",
                    isError: false)
                notice("→ " + Self.describe(result))
            }
        }
    }

    /// A dim status line (stderr when piped).
    public func notice(_ text: String) {
        guard !text.isEmpty else { return }
        if interactive {
            Self.write(styled(text, .dim) + "\n", to: 1)
        } else {
            Self.write(text + "\n", to: 2)
        }
    }

    /// One error line on stderr.
    public func error(_ text: String) {
        Self.write(styled("error: " + text, .red) + "\n", to: 2)
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

    /// `get_rain_probability(location: 부산/경상남도) = 0.06`, one line, long outputs cut.
    static func describe(_ result: ToolCallResult) -> String {
        var arguments = result.call.arguments
        if let object = (try? JSONValue.parse(arguments))?.objectValue {
            arguments = object.keys.sorted().map { key in "\(key): \(plain(object[key]!))" }.joined(separator: ", ")
        }
        return "\(result.call.name)(\(arguments)) = \(truncated(result.output, to: 60))"
    }

    private static func plain(_ value: JSONValue) -> String {
        value.stringValue ?? value.jsonText
    }

    static func truncated(_ text: String, to limit: Int) -> String {
        let single = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return single.count > limit ? String(single.prefix(limit - 1)) + "…" : single
    }

    /// An error as one line, whatever its description holds.
    public static func oneLine(_ error: any Error) -> String {
        truncated("\(error)", to: 400)
    }

    static func write(_ text: String, to descriptor: Int32) {
        guard !text.isEmpty else { return }
        writeAll(descriptor, Array(text.utf8))
    }
}
