import Foundation
import Synchronization
import ThreadlineCore

/// Writes the conversation to the terminal. Interactive: everything on stdout, tool lines dim.
/// Piped: stdout carries only the assistant's text, one reply per turn ending with a newline;
/// tool calls, notices and errors go to stderr.
public final class Renderer: Sendable {
    public let interactive: Bool
    public let color: Bool
    /// Whether the current reply has written text that does not end with a newline yet.
    private let replyState = Mutex(ReplyState())

    private struct ReplyState {
        var wroteText = false
        var endsWithNewline = true
    }

    public init(interactive: Bool, color: Bool) {
        self.interactive = interactive
        self.color = color
    }

    /// Color unless NO_COLOR is set (any value) or stdout is not a terminal.
    public static func wantsColor(environment: [String: String], stdoutIsTTY: Bool) -> Bool {
        stdoutIsTTY && environment["NO_COLOR"] == nil
    }

    // MARK: the reply

    public func handle(_ event: DriverEvent) {
        switch event {
        case .textDelta(let text):
            replyState.withLock { state in
                state.wroteText = true
                state.endsWithNewline = text.hasSuffix("\n")
            }
            Self.write(text, to: 1)
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

    /// Ends the reply: newline, a mark on partial text, the reason for anything but success.
    public func finishReply(_ summary: TurnSummary?, error: (any Error)? = nil) {
        let wroteText = replyState.withLock { state in
            defer { state = ReplyState() }
            return state.wroteText
        }
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
        if interactive, let summary {
            notice(statusLine(summary))
        }
    }

    private func statusLine(_ summary: TurnSummary) -> String {
        var parts: [String] = []
        if !summary.toolResults.isEmpty {
            parts.append("\(summary.toolResults.count) tool call\(summary.toolResults.count == 1 ? "" : "s")")
        }
        if let usage = summary.usage {
            parts.append("\(usage.inputTokens) in / \(usage.outputTokens) out tokens")
        }
        return parts.joined(separator: " · ")
    }

    private func breakLineIfNeeded() {
        let needsBreak = replyState.withLock { state in
            defer { state.endsWithNewline = true }
            return !state.endsWithNewline
        }
        if needsBreak { Self.write("\n", to: interactive ? 1 : 2) }
    }

    // MARK: everything else

    /// Output of a slash command (stdout when interactive, stderr when piped).
    public func info(_ text: String) {
        Self.write(text + "\n", to: interactive ? 1 : 2)
    }

    /// A thread's conversation, as `/history` and `threads show` print it.
    public func transcript(_ entries: [TranscriptEntry]) {
        for entry in entries {
            switch entry.kind {
            case .user: info("you> \(entry.text)")
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

    /// The prompt; it names an active instructions override so it is always visible.
    public func prompt(overrideActive: Bool) -> String {
        overrideActive ? "[instructions] > " : "> "
    }

    /// `get_rain_probability(location: 부산/경상남도) = 0.06`, one line, long outputs cut.
    static func describe(_ result: ToolCallResult) -> String {
        var arguments = result.call.arguments
        if let object = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String: Any] {
            arguments = object.keys.sorted().map { key in "\(key): \(plain(object[key]!))" }.joined(separator: ", ")
        }
        return "\(result.call.name)(\(arguments)) = \(truncated(result.output, to: 60))"
    }

    private static func plain(_ value: Any) -> String {
        if let string = value as? String { return string }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
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
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
