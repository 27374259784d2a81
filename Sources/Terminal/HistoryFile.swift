import Foundation
import ThreadlineCore

/// The persistent input history: one entry per line (newlines and backslashes escaped), mode
/// 0600, at most `limit` entries, consecutive duplicates dropped.
public final class HistoryFile {
    public let path: String
    public let limit: Int
    public private(set) var entries: [String] = []

    /// Loads the file if it exists; a missing file is an empty history.
    public init(path: String, limit: Int = 1000) throws {
        self.path = path
        self.limit = limit
        if let data = FileManager.default.contents(atPath: path) {
            entries = String(decoding: data, as: UTF8.self).split(separator: "\n").map { Self.unescape(String($0)) }
            if entries.count > limit { entries.removeFirst(entries.count - limit) }
        }
    }

    /// Records an entry; returns false when it repeats the previous one and was dropped.
    @discardableResult
    public func add(_ entry: String) throws -> Bool {
        guard !entry.isEmpty, entry != entries.last else { return false }
        entries.append(entry)
        if entries.count > limit {
            entries.removeFirst(entries.count - limit)
            try rewrite()
        } else {
            try append(Self.escape(entry) + "\n")
        }
        return true
    }

    private func append(_ text: String) throws {
        try ensureDirectory()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw HistoryError(path: path, code: errno) }
        defer { close(descriptor) }
        try Self.writeAll(descriptor, Array(text.utf8), path: path)
    }

    private func rewrite() throws {
        try ensureDirectory()
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw HistoryError(path: temporary, code: errno) }
        let text = entries.map { Self.escape($0) + "\n" }.joined()
        do {
            try Self.writeAll(descriptor, Array(text.utf8), path: temporary)
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else { throw HistoryError(path: path, code: errno) }
    }

    private func ensureDirectory() throws {
        try StateDirectory.create((path as NSString).deletingLastPathComponent)
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        let code = Terminal.writeAll(descriptor, bytes)
        guard code == 0 else { throw HistoryError(path: path, code: code) }
    }

    static func escape(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ line: String) -> String {
        var result = ""
        var escaping = false
        for character in line {
            if escaping {
                result.append(character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A history file that could not be written (full disk, permissions); the session goes on.
public struct HistoryError: Error, CustomStringConvertible {
    public var path: String
    public var code: Int32

    public var description: String { "cannot write history file \(path): \(String(cString: strerror(code)))" }
}
