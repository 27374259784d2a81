import Foundation

/// Joins prompt reads into one message: a `"""` line opens a block that ends at the next `"""`
/// line, and a line ended with Ctrl-J or Alt-Enter continues on the next one.
public struct MultilineInput: Sendable, Equatable {
    /// The result of adding one read.
    public enum Step: Sendable, Equatable {
        /// The input is still open; read another line (with the continuation prompt).
        case needMore
        /// The whole input. `literal` inputs (several lines, or a `"""` block) are always a
        /// message, never a slash command.
        case complete(String, literal: Bool)
    }

    /// The line that opens and closes a block.
    public static let blockDelimiter = "\"\"\""

    private var lines: [String] = []
    private var inBlock = false
    private var wasBlock = false

    public init() {}

    /// True while lines are waiting for the rest of the input.
    public var isOpen: Bool { inBlock || !lines.isEmpty }

    /// Adds one read line; `continued` when Ctrl-J or Alt-Enter ended it.
    public mutating func add(_ line: String, continued: Bool = false) -> Step {
        let isDelimiter = line.trimmingCharacters(in: .whitespaces) == Self.blockDelimiter
        if inBlock {
            guard isDelimiter else {
                lines.append(line)
                return .needMore
            }
            return finish()
        }
        if isDelimiter {
            inBlock = true
            wasBlock = true
            return .needMore
        }
        lines.append(line)
        return continued ? .needMore : finish()
    }

    /// What is open at end of input, sent rather than lost; nil when nothing is open.
    public mutating func flush() -> String? {
        guard isOpen, case .complete(let text, _) = finish(), !text.isEmpty else { return nil }
        return text
    }

    /// Drops the open input (Ctrl-C).
    public mutating func reset() { self = MultilineInput() }

    private mutating func finish() -> Step {
        let literal = wasBlock || lines.count > 1 || lines.contains { $0.contains("\n") }
        let joined = lines.joined(separator: "\n")
        reset()
        // Blank lines around a multi-line message go; its indentation stays.
        return .complete(
            literal ? Self.trimmingBlankEdges(joined) : joined.trimmingCharacters(in: .whitespaces), literal: literal)
    }

    /// The text without whitespace-only lines at its start and end.
    static func trimmingBlankEdges(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
