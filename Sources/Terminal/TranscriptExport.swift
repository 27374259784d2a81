import Foundation
import ThreadlineCore

extension TranscriptEntry {
    /// Replies that `/retry` replaced: an assistant reply followed by another one with no user
    /// message between them. Nothing is deleted; the display marks them.
    public static func supersededIndices(in entries: [TranscriptEntry]) -> Set<Int> {
        var superseded: Set<Int> = []
        var lastReply: Int?
        for (index, entry) in entries.enumerated() {
            switch entry.kind {
            case .user: lastReply = nil
            case .assistant:
                if let lastReply { superseded.insert(lastReply) }
                lastReply = index
            case .toolCall: break
            }
        }
        return superseded
    }
}

/// `/save`: a thread as Markdown (every turn, tool calls with their outputs) or as JSON.
public enum TranscriptExport {
    /// JSON for a `.json` file name, Markdown for any other.
    public static func isJSON(path: String) -> Bool { (path as NSString).pathExtension.lowercased() == "json" }

    /// One entry of the JSON export.
    public struct Item: Codable, Equatable, Sendable {
        public var role: String
        public var text: String?
        public var partial: Bool?
        public var superseded: Bool?
        public var name: String?
        public var arguments: String?
        public var output: String?
    }

    /// The JSON export's top level.
    public struct Document: Codable, Equatable, Sendable {
        public var threadID: String
        public var entries: [Item]

        enum CodingKeys: String, CodingKey {
            case threadID = "thread_id"
            case entries
        }
    }

    public static func document(_ entries: [TranscriptEntry], threadID: String) -> Document {
        let superseded = TranscriptEntry.supersededIndices(in: entries)
        let items = entries.enumerated().map { index, entry -> Item in
            switch entry.kind {
            case .user: Item(role: "user", text: entry.text)
            case .assistant:
                Item(role: "assistant", text: entry.text, partial: entry.isPartial, superseded: superseded.contains(index))
            case .toolCall(let name, let arguments, let output):
                Item(role: "tool", name: name, arguments: arguments, output: output)
            }
        }
        return Document(threadID: threadID, entries: items)
    }

    public static func json(_ entries: [TranscriptEntry], threadID: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document(entries, threadID: threadID)) + Data("\n".utf8)
    }

    public static func markdown(_ entries: [TranscriptEntry], threadID: String) -> String {
        let superseded = TranscriptEntry.supersededIndices(in: entries)
        var sections = ["# Threadline thread `\(threadID)`"]
        for (index, entry) in entries.enumerated() {
            switch entry.kind {
            case .user:
                sections.append("## You\n\n\(entry.text)")
            case .assistant:
                var notes: [String] = []
                if entry.isPartial { notes.append("partial") }
                if superseded.contains(index) { notes.append("superseded by a retry") }
                let heading = "## Assistant" + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))")
                sections.append("\(heading)\n\n\(entry.text)")
            case .toolCall(let name, let arguments, let output):
                sections.append(
                    "**Tool call** `\(name)`\n\n\(fenced(arguments, language: "json"))\n\nOutput:\n\n\(fenced(output ?? "(no output)"))")
            }
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// A code block whose fence is longer than any run of backticks inside it.
    static func fenced(_ text: String, language: String = "") -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(text)\n\(fence)"
    }

    /// Writes the export (mode 0600); an existing file is replaced only with `force`.
    public static func write(_ entries: [TranscriptEntry], threadID: String, to path: String, force: Bool) throws {
        let data = isJSON(path: path) ? try json(entries, threadID: threadID) : Data(markdown(entries, threadID: threadID).utf8)
        let flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw ExportError(description: "\(path) exists; /save \(path) --force replaces it") }
            throw ExportError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let code = writeAll(descriptor, [UInt8](data))
        guard code == 0 else { throw ExportError(description: "cannot write \(path): \(String(cString: strerror(code)))") }
    }
}

/// A `/save` that did not happen: the file exists, or it cannot be written.
public struct ExportError: Error, CustomStringConvertible {
    public var description: String
}
