import ThreadlineCore

/// Wraps a streamed reply at the terminal width by display width, breaking between words
/// (and between wide characters, which need no spaces). The last grapheme cluster of each
/// delta is held back, since the next delta may add combining marks or emoji joiners to it;
/// the current word is held until it ends, so it is never split by a wrap it would fit after.
struct ReplyWrapper: Sendable, Equatable {
    let width: Int
    private var tail = ""
    private var word = ""
    private var wordWidth = 0
    /// Spaces after the last word, written only if the next word fits on the same row.
    private var pendingSpaces = 0
    private var column = 0

    init(width: Int) {
        self.width = max(width, 2)
    }

    /// The text to write for `delta`.
    mutating func feed(_ delta: String) -> String {
        let text = tail + delta
        guard let last = text.last else { return "" }
        tail = String(last)
        var out = ""
        for character in text.dropLast() { place(character, into: &out) }
        return out
    }

    /// Everything still held back; the wrapper then stands at the start of a row.
    mutating func finish() -> String {
        var out = ""
        for character in tail { place(character, into: &out) }
        tail = ""
        flushWord(into: &out)
        startRow()
        return out
    }

    private mutating func place(_ character: Character, into out: inout String) {
        if character.isNewline {
            flushWord(into: &out)
            out += "\n"
            startRow()
        } else if character.isWhitespace {
            flushWord(into: &out)
            pendingSpaces += character == "\t" ? 8 - (column + pendingSpaces) % 8 : 1
        } else {
            let columns = DisplayWidth.of(character: character)
            // Wide characters other than Hangul (which spaces words) may break anywhere.
            let breaksAround = columns > 1 && !(character.unicodeScalars.first?.isHangul ?? false)
            if breaksAround { flushWord(into: &out) }
            word.append(character)
            wordWidth += columns
            if breaksAround || wordWidth >= width { flushWord(into: &out) }
        }
    }

    private mutating func flushWord(into out: inout String) {
        guard !word.isEmpty else { return }
        if column > 0 && column + pendingSpaces + wordWidth > width {
            out += "\n"
            startRow()
        }
        if pendingSpaces > 0 { emit(String(repeating: " ", count: pendingSpaces), columns: pendingSpaces, into: &out) }
        for character in word {
            let columns = DisplayWidth.of(character: character)
            if column > 0 && column + columns > width {
                out += "\n"
                startRow()
            }
            emit(String(character), columns: columns, into: &out)
        }
        word = ""
        wordWidth = 0
    }

    private mutating func emit(_ text: String, columns: Int, into out: inout String) {
        out += text
        column += columns
        pendingSpaces = 0
    }

    private mutating func startRow() {
        column = 0
        pendingSpaces = 0
    }
}
