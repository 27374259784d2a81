import Foundation

/// A GFM table laid out for the terminal: columns aligned by display width (Hangul, CJK and
/// emoji count two), the header bold, box-drawing borders dim.
struct MarkdownTable: Sendable {
    enum Alignment: Sendable { case left, center, right }

    var header: [String]
    var alignments: [Alignment]
    var rows: [[String]]

    /// The table in `lines` (header, delimiter row, body rows), or nil when they are not one.
    init?(lines: [String]) {
        guard lines.count >= 2, let alignments = Self.delimiterRow(lines[1]) else { return nil }
        header = Self.cells(lines[0])
        guard header.count == alignments.count else { return nil }
        self.alignments = alignments
        rows = lines.dropFirst(2).map { Array(Self.cells($0).prefix(alignments.count)) }
    }

    /// The rows to print, or nil when the table is wider than `width`.
    func render(width: Int, inline: InlineMarkdown) -> [String]? {
        let border = TextStyle.plain.with { $0.dim = true }
        let styledHeader = header.map { inline.runs($0, base: TextStyle.plain.with { $0.bold = true }) }
        let styledRows = rows.map { row in (0..<alignments.count).map { inline.runs($0 < row.count ? row[$0] : "") } }
        let widths = (0..<alignments.count).map { column in
            ([styledHeader] + styledRows).map { DisplayWidth.of($0[column].plainText) }.max() ?? 0
        }
        let total = widths.reduce(0, +) + 3 * widths.count + 1
        guard total <= width else { return nil }
        func line(_ cells: [[StyledRun]]) -> String {
            var runs = [StyledRun("│", border)]
            for (column, cell) in cells.enumerated() {
                let padding = widths[column] - DisplayWidth.of(cell.plainText)
                let left: Int
                switch alignments[column] {
                case .left: left = 0
                case .right: left = padding
                case .center: left = padding / 2
                }
                runs.append(StyledRun(" " + String(repeating: " ", count: left)))
                runs += cell
                runs.append(StyledRun(String(repeating: " ", count: padding - left) + " "))
                runs.append(StyledRun("│", border))
            }
            return runs.terminalText(hyperlinks: inline.hyperlinks)
        }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            [StyledRun(left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right, border)]
                .terminalText(hyperlinks: false)
        }
        return [rule("┌", "┬", "┐"), line(styledHeader), rule("├", "┼", "┤")] + styledRows.map(line) + [rule("└", "┴", "┘")]
    }

    /// The cells of a row: split at `|` outside code spans and not escaped, outer pipes dropped.
    static func cells(_ line: String) -> [String] {
        var body = Substring(line.trimmingCharacters(in: [" ", "\t"]))
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") && !body.hasSuffix("\\|") { body = body.dropLast() }
        var cells: [String] = []
        var current = ""
        var inCode = false
        var escaped = false
        for character in body {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "`" {
                inCode.toggle()
                current.append(character)
            } else if character == "|" && !inCode {
                cells.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current)
        // `\|` is a pipe inside a cell.
        return cells.map { $0.trimmingCharacters(in: [" ", "\t"]).replacingOccurrences(of: "\\|", with: "|") }
    }

    /// The alignments of a delimiter row (`| --- | :-: | --: |`), or nil when it is not one.
    static func delimiterRow(_ line: String) -> [Alignment]? {
        let cells = cells(line)
        var alignments: [Alignment] = []
        for cell in cells {
            let dashes = cell.trimmingCharacters(in: [":"])
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
            case (true, true): alignments.append(.center)
            case (false, true): alignments.append(.right)
            default: alignments.append(.left)
            }
        }
        return alignments
    }
}
