/// A streamed reply rendered as Markdown without disturbing what is above it: each piece is
/// written as it arrives (wrapped by display width), and when a line is complete the cursor
/// goes back over the rows that line took (counted from display widths, never asked of the
/// terminal), erases them and writes the line styled. Table rows stay raw until the table ends,
/// then the whole table is redrawn aligned. A line or table taller than `maxRedrawRows` is
/// left raw, since going back over it would leave its top half in the scrollback.
struct MarkdownStream: Sendable {
    private(set) var document: MarkdownDocument
    /// How many rows a redraw may go up: the terminal's height less one.
    var maxRedrawRows: Int
    /// The incomplete line, as the model wrote it (control characters made visible).
    private var line = ""
    /// Writes the incomplete line raw as it streams.
    private var wrapper: ReplyWrapper
    /// Widths of the rows shown raw for held table lines.
    private var heldRows: [Int] = []
    /// What was written raw of the incomplete line.
    private var shown = ""
    /// The incomplete line grew too tall to redraw; it is finished raw.
    private var tooTall = false
    /// A table grew too tall to redraw; its remaining rows are written raw.
    private var rawTable = false

    init(width: Int, hyperlinks: Bool, maxRedrawRows: Int = 23) {
        document = MarkdownDocument(width: width, hyperlinks: hyperlinks)
        wrapper = ReplyWrapper(width: width)
        self.maxRedrawRows = maxRedrawRows
    }

    var width: Int { document.width }

    /// The terminal output for the next piece of the reply.
    mutating func feed(_ text: String) -> String {
        let pieces = TerminalText.sanitized(text).split(separator: "\n", omittingEmptySubsequences: false)
        var out = ""
        for (index, piece) in pieces.enumerated() {
            line += piece
            if index < pieces.count - 1 {
                out += completeLine(endingWith: String(piece))
            } else if !piece.isEmpty {
                out += showRaw(String(piece))
            }
        }
        return out
    }

    /// Ends the reply: the incomplete line and anything held are written styled, the cursor
    /// stays after the last character (no newline), every attribute reset. The stream then
    /// starts afresh, code block numbers included.
    mutating func finish() -> String {
        var out = ""
        if tooTall || (rawTable && isTableRow(line)) {
            out = wrapper.finish()
        } else {
            var rows = line.isEmpty ? [] : document.render(line: line)
            rows += document.releaseHeld()
            out = eraseShown() + rows.joined(separator: "\n")
        }
        self = MarkdownStream(width: width, hyperlinks: document.inline.hyperlinks, maxRedrawRows: maxRedrawRows)
        return out
    }

    /// Re-flows the block being written (held table rows and the incomplete line) for a new
    /// width; the terminal is taken to have re-flowed it already, as tmux and most do.
    mutating func resize(to newWidth: Int) -> String {
        let newWidth = max(newWidth, 2)
        guard newWidth != width else { return "" }
        var out = eraseShown(width: newWidth)
        document.width = newWidth
        wrapper = ReplyWrapper(width: newWidth)
        heldRows = []
        shown = ""
        tooTall = false
        for held in document.heldLines {
            let written = wrapper.feed(held) + wrapper.finish()
            heldRows += Self.rowWidths(written)
            out += written + "\n"
        }
        return out + showRaw(line)
    }

    private mutating func showRaw(_ piece: String) -> String {
        let written = wrapper.feed(piece)
        shown += written
        if rowsShown(width: width) - 1 > maxRedrawRows {
            tooTall = true
            if document.isHolding { giveUpTable() }
        }
        return written
    }

    /// `last`: the end of the line that came with its newline, not shown yet.
    private mutating func completeLine(endingWith last: String) -> String {
        defer {
            line = ""
            shown = ""
            tooTall = false
        }
        if tooTall || (rawTable && isTableRow(line)) {
            // Keeps the block context (an open fence) without drawing the line again.
            _ = document.render(line: line)
            _ = document.releaseHeld()
            return wrapper.feed(last) + wrapper.finish() + "\n"
        }
        rawTable = false
        let rows = document.render(line: line)
        if rows.isEmpty && document.isHolding {
            let written = wrapper.feed(last) + wrapper.finish()
            heldRows += Self.rowWidths(shown + written)
            shown = ""
            if rowsShown(width: width) > maxRedrawRows { giveUpTable() }
            return written + "\n"
        }
        _ = wrapper.finish()
        let out = eraseShown() + rows.map { $0 + "\n" }.joined()
        heldRows = []
        return out
    }

    private mutating func giveUpTable() {
        _ = document.releaseHeld()
        heldRows = []
        rawTable = true
    }

    private func isTableRow(_ text: String) -> Bool {
        if document.isInCodeBlock { return false }
        if case .tableRow = MarkdownLine.classify(text) { return true }
        return false
    }

    /// Back to the start of the block's first row, erasing everything below.
    private func eraseShown(width: Int? = nil) -> String {
        guard !heldRows.isEmpty || !shown.isEmpty else { return "" }
        let up = rowsShown(width: width ?? self.width) - 1
        return "\r" + (up > 0 ? "\u{1B}[\(up)A" : "") + "\u{1B}[J"
    }

    /// Rows the block takes at `width`: rows wider than it (after a resize) fold.
    private func rowsShown(width: Int) -> Int {
        (heldRows + Self.rowWidths(shown)).reduce(0) { $0 + max(1, ($1 + width - 1) / width) }
    }

    private static func rowWidths(_ written: String) -> [Int] {
        written.split(separator: "\n", omittingEmptySubsequences: false).map { DisplayWidth.of($0) }
    }
}
