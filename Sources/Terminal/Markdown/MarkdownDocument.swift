/// Renders the complete lines of a Markdown reply one at a time, keeping the block context
/// between them: an open code fence (its number, language and colouring), list nesting, and
/// the rows of a table, which are held until the table ends. Pure: lines in, rows of terminal
/// text out; `MarkdownStream` does the cursor work.
struct MarkdownDocument: Sendable {
    /// Columns available; prose wraps at it, code never does.
    var width: Int
    let inline: InlineMarkdown
    /// The lines of each code block so far, as written: what `/copy N` copies. The label of
    /// each block shows its number.
    private(set) var codeBlocks: [[String]] = []
    private var fence: OpenFence?
    private var listIndents: [Int] = []
    /// Lines starting with `|`, held until a line that is not one shows whether they are a table.
    private(set) var heldLines: [String] = []

    private struct OpenFence: Sendable {
        var marker: String
        var highlighter: CodeHighlighter
    }

    static let codeBackground = "236"
    static let markerForeground = "33"

    init(width: Int, hyperlinks: Bool) {
        self.width = max(width, 2)
        inline = InlineMarkdown(hyperlinks: hyperlinks)
    }

    /// A whole text rendered at once (a stored reply): its rows joined by newlines.
    static func render(_ text: String, width: Int, hyperlinks: Bool) -> String {
        var document = MarkdownDocument(width: width, hyperlinks: hyperlinks)
        let lines = TerminalText.sanitized(text).split(separator: "\n", omittingEmptySubsequences: false)
        let rows = lines.flatMap { document.render(line: String($0)) } + document.releaseHeld()
        return rows.joined(separator: "\n")
    }

    /// The code blocks of a reply, numbered as the renderer labels them (an unclosed last
    /// block counts), each exactly as written.
    static func codeBlocks(in text: String) -> [String] {
        var document = MarkdownDocument(width: 80, hyperlinks: false)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { _ = document.render(line: String(line)) }
        return document.codeBlocks.map { $0.joined(separator: "\n") }
    }

    /// Whether lines are being held (a table in the making).
    var isHolding: Bool { !heldLines.isEmpty }
    var isInCodeBlock: Bool { fence != nil }

    /// The rows for one complete line (without its newline); empty while the line is held.
    /// When the line ends a held block, the held block's rows come first.
    mutating func render(line: String) -> [String] {
        if var open = fence {
            if MarkdownLine.closesFence(line, marker: open.marker) {
                fence = nil
                return [[StyledRun("───", TextStyle.plain.with { $0.dim = true })].terminalText(hyperlinks: false)]
            }
            codeBlocks[codeBlocks.count - 1].append(line)
            let row = codeRow(line, highlighter: &open.highlighter)
            fence = open
            return [row]
        }
        let kind = MarkdownLine.classify(line)
        if case .tableRow = kind {
            heldLines.append(line)
            return []
        }
        return releaseHeld() + render(kind)
    }

    /// The rows of the held lines: a table when they form one that fits, else the lines as
    /// they were written (a table too wide) or as paragraphs (pipes that are no table).
    mutating func releaseHeld() -> [String] {
        defer { heldLines = [] }
        guard !heldLines.isEmpty else { return [] }
        if let table = MarkdownTable(lines: heldLines) {
            return table.render(width: width, inline: inline) ?? heldLines
        }
        return heldLines.flatMap { render(.paragraph(indent: 0, text: $0)) }
    }

    private mutating func render(_ kind: MarkdownLine) -> [String] {
        let bold = TextStyle.plain.with { $0.bold = true }
        let dim = TextStyle.plain.with { $0.dim = true }
        let marker = TextStyle.plain.with { $0.foreground = Self.markerForeground }
        switch kind {
        case .blank:
            return [""]
        case .heading(let level, let text):
            listIndents = []
            let style = bold.with { $0.underline = level == 1 }
            return wrap(inline.runs(text, base: style))
        case .bullet(let indent, let text):
            let level = nest(indent)
            let glyph = ["•", "◦", "▪"][level % 3]
            return wrap(inline.runs(text), prefix: String(repeating: "  ", count: level), marker: StyledRun(glyph + " ", marker))
        case .numbered(let indent, let number, let text):
            let level = nest(indent)
            return wrap(inline.runs(text), prefix: String(repeating: "  ", count: level), marker: StyledRun(number + " ", marker))
        case .quote(let text):
            let bar = StyledRun("│ ", dim)
            return wrap(inline.runs(text, base: TextStyle.plain.with { $0.italic = true }), prefix: [bar], hanging: [bar])
        case .rule:
            listIndents = []
            return [[StyledRun(String(repeating: "─", count: min(width, 60)), dim)].terminalText(hyperlinks: false)]
        case .fence(let marker, let language):
            codeBlocks.append([])
            fence = OpenFence(marker: marker, highlighter: CodeHighlighter(language: language))
            let label = "─── [\(codeBlocks.count)]" + (language.isEmpty ? "" : " " + language)
            return [[StyledRun(label, dim)].terminalText(hyperlinks: false)]
        case .tableRow(let text):
            return wrap(inline.runs(text))
        case .paragraph(let indent, let text):
            if indent == 0 { listIndents = [] }
            let margin = [StyledRun(String(repeating: " ", count: min(indent, width / 2)))]
            return wrap(inline.runs(text), prefix: margin, hanging: margin)
        }
    }

    /// The nesting level of a list item indented by `indent` columns.
    private mutating func nest(_ indent: Int) -> Int {
        while let last = listIndents.last, last > indent { listIndents.removeLast() }
        if listIndents.last != indent { listIndents.append(indent) }
        return listIndents.count - 1
    }

    private func wrap(_ runs: [StyledRun], prefix: String, marker: StyledRun) -> [String] {
        let hanging = [StyledRun(prefix + String(repeating: " ", count: DisplayWidth.of(marker.text)))]
        return wrap(runs, prefix: [StyledRun(prefix), marker], hanging: hanging)
    }

    private func wrap(_ runs: [StyledRun], prefix: [StyledRun] = [], hanging: [StyledRun] = []) -> [String] {
        StyledWrapping.rows(runs, width: width, prefix: prefix, hangingPrefix: hanging).map {
            $0.terminalText(hyperlinks: inline.hyperlinks)
        }
    }

    /// A code line exactly as written, coloured, on the block's background. The background
    /// reaches the right edge by erasing to the end of the row, except when the text ends
    /// exactly at the edge, where an erase would take the last character.
    private func codeRow(_ line: String, highlighter: inout CodeHighlighter) -> String {
        let base = TextStyle.plain.with { $0.background = Self.codeBackground }
        let runs = [StyledRun("", base)] + highlighter.runs(line, base: base)
        let end = TerminalColumns.layout(line, width: width)
        return runs.terminalText(hyperlinks: false, eraseToEnd: !end.atRightEdge)
    }
}

/// Where text written from the start of a row ends up, as a terminal with automatic margins
/// lays it out: a wide character that does not fit moves to the next row, tabs stop every eight
/// columns.
enum TerminalColumns {
    /// The rows `text` (no newlines) takes, and whether its last character ends at the right
    /// edge (the cursor then waits there, and the next character starts a new row).
    static func layout(_ text: String, width: Int) -> (rows: Int, atRightEdge: Bool) {
        let width = max(width, 1)
        var row = 0
        var column = 0
        for character in text {
            if character == "\t" {
                // A tab moves to the next stop but never past the last column, and never wraps.
                column = min(column + 8 - column % 8, width - 1)
                continue
            }
            let columns = DisplayWidth.of(character: character)
            guard columns > 0 else { continue }
            if column + columns > width {
                row += 1
                column = 0
            }
            column += columns
        }
        return (row + 1, column == width)
    }
}
