/// Wraps styled runs into rows by display width, with the break rules of `ReplyWrapper`
/// (between words; anywhere between wide characters other than Hangul; inside a word only
/// when it is longer than a row). The wrapper decides where rows break on the plain text; the
/// styles are then laid back onto its output character by character.
enum StyledWrapping {
    /// Rows of `runs`: the first starts with `prefix`, the others with `hangingPrefix` (which
    /// should be as wide, so wrapped rows line up under the text).
    static func rows(_ runs: [StyledRun], width: Int, prefix: [StyledRun] = [], hangingPrefix: [StyledRun] = []) -> [[StyledRun]] {
        let prefixWidth = max(DisplayWidth.of(prefix.plainText), DisplayWidth.of(hangingPrefix.plainText))
        var wrapper = ReplyWrapper(width: max(width - prefixWidth, 2))
        // A tab in prose is four spaces: the wrapper would otherwise count it by its own column.
        let cells: [(Character, TextStyle)] = runs.flatMap { run in
            run.text.flatMap { character -> [Character] in character == "\t" ? Array(repeating: " ", count: 4) : [character] }
                .map { ($0, run.style) }
        }
        let text = String(cells.map(\.0))
        let wrapped = wrapper.feed(text) + wrapper.finish()
        var rows: [[StyledRun]] = [prefix]
        var cellIndex = 0
        for character in wrapped {
            if character == "\n" {
                rows.append(hangingPrefix)
                continue
            }
            // Spaces at a break were dropped by the wrapper; skip them in the cells too.
            while cellIndex < cells.count, cells[cellIndex].0 != character, cells[cellIndex].0.isWhitespace { cellIndex += 1 }
            let style = cellIndex < cells.count ? cells[cellIndex].1 : TextStyle.plain
            cellIndex += 1
            append(character, style, to: &rows[rows.count - 1])
        }
        if rows.count > 1, wrapped.hasSuffix("\n") { rows.removeLast() }
        return rows
    }

    private static func append(_ character: Character, _ style: TextStyle, to row: inout [StyledRun]) {
        if let last = row.last, last.style == style {
            row[row.count - 1].text.append(character)
        } else {
            row.append(StyledRun(String(character), style))
        }
    }
}
