import Foundation

/// What one complete line of Markdown is, outside a code fence. Classification looks at the
/// line alone; the block context (an open fence, a table being collected, list nesting) is
/// kept by `MarkdownDocument`.
enum MarkdownLine: Equatable, Sendable {
    case blank
    case heading(level: Int, text: String)
    /// `- item`, `* item`, `+ item`; `indent` counts the columns before the marker.
    case bullet(indent: Int, text: String)
    /// `1. item` or `1) item`; `marker` is kept as written.
    case numbered(indent: Int, marker: String, text: String)
    case quote(text: String)
    case rule
    /// An opening code fence: the fence itself (``` or ~~~, three or more) and its language.
    case fence(marker: String, language: String)
    /// A line starting with `|`: a table row or delimiter row candidate.
    case tableRow(String)
    /// Any other text; `indent` is its leading whitespace in columns.
    case paragraph(indent: Int, text: String)

    /// Classifies a line (without its newline) that is not inside a code fence.
    static func classify(_ line: String) -> MarkdownLine {
        let indent = leadingColumns(line)
        let body = String(line.drop { $0 == " " || $0 == "\t" })
        if body.isEmpty { return .blank }
        if indent < 4, let fence = openingFence(body) { return fence }
        if indent < 4, let heading = heading(body) { return heading }
        if indent < 4, isRule(body) { return .rule }
        if let item = listItem(body, indent: indent) { return item }
        if indent < 4, body.hasPrefix(">") {
            return .quote(text: String(body.dropFirst().drop { $0 == " " }))
        }
        if body.hasPrefix("|") { return .tableRow(body) }
        return .paragraph(indent: indent, text: body)
    }

    /// Whether `line` closes a fence opened with `marker`: the same character, at least as many.
    static func closesFence(_ line: String, marker: String) -> Bool {
        let body = line.trimmingCharacters(in: [" ", "\t"])
        guard let character = marker.first, leadingColumns(line) < 4 else { return false }
        return body.count >= marker.count && body.allSatisfy { $0 == character }
    }

    static func leadingColumns(_ line: String) -> Int {
        var columns = 0
        for character in line {
            if character == " " {
                columns += 1
            } else if character == "\t" {
                columns += 4 - columns % 4
            } else {
                break
            }
        }
        return columns
    }

    private static func openingFence(_ body: String) -> MarkdownLine? {
        for character: Character in ["`", "~"] {
            let marker = String(body.prefix { $0 == character })
            guard marker.count >= 3 else { continue }
            let info = body.dropFirst(marker.count).trimmingCharacters(in: [" ", "\t"])
            // A backtick fence's info string holds no backtick (that is inline code).
            if character == "`" && info.contains("`") { return nil }
            return .fence(marker: marker, language: info.split(separator: " ").first.map(String.init) ?? "")
        }
        return nil
    }

    private static func heading(_ body: String) -> MarkdownLine? {
        let hashes = body.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = body.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingCharacters(in: [" ", "\t"])
        // A closing sequence of #s is decoration.
        let trailing = text.reversed().prefix { $0 == "#" }.count
        if trailing > 0, trailing == text.count || text.dropLast(trailing).last == " " {
            text = String(text.dropLast(trailing)).trimmingCharacters(in: [" "])
        }
        return .heading(level: hashes, text: text)
    }

    private static func isRule(_ body: String) -> Bool {
        guard let first = body.first, "-*_".contains(first) else { return false }
        let marks = body.filter { $0 != " " && $0 != "\t" }
        return marks.count >= 3 && marks.allSatisfy { $0 == first }
    }

    private static func listItem(_ body: String, indent: Int) -> MarkdownLine? {
        if let first = body.first, "-*+".contains(first) {
            let rest = body.dropFirst()
            guard rest.first == " " || rest.first == "\t" || rest.isEmpty else { return nil }
            return .bullet(indent: indent, text: rest.trimmingCharacters(in: [" ", "\t"]))
        }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let rest = body.dropFirst(digits.count)
        guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return nil }
        let after = rest.dropFirst()
        guard after.first == " " || after.first == "\t" || after.isEmpty else { return nil }
        return .numbered(indent: indent, marker: digits + String(delimiter), text: after.trimmingCharacters(in: [" ", "\t"]))
    }
}
