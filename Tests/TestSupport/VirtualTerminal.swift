/// A small terminal emulator for renderer tests: a grid of cells with automatic margins (a
/// character past the last column waits, then wraps), scrolling into a scrollback, and the
/// controls the renderer writes: CR, LF, tab, `ESC[nA` (up), `ESC[K` and `ESC[J` (erase),
/// SGR (kept per cell as the parameters of the last SGR, since the renderer always selects a
/// style from a reset) and OSC sequences (hyperlinks, clipboard; recorded, not shown).
/// Character widths follow East Asian Width on its own table, independent of the renderer's.
public final class VirtualTerminal {
    public struct Cell: Equatable, Sendable {
        public var character: Character
        public var style: String
    }

    public private(set) var width: Int
    public let height: Int
    /// Rows scrolled off the top, oldest first.
    public private(set) var scrollback: [[Cell?]] = []
    private var grid: [[Cell?]]
    public private(set) var row = 0
    public private(set) var column = 0
    private var pendingWrap = false
    /// The SGR parameters new characters get; "" after a reset.
    public private(set) var style = ""
    /// Every OSC sequence received, without its introducer and terminator.
    public private(set) var operatingSystemCommands: [String] = []
    /// Control characters other than the ones interpreted, which a renderer must not send.
    public private(set) var strayControls: [Unicode.Scalar] = []
    private var pending: [Unicode.Scalar] = []

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        grid = Array(repeating: Array(repeating: nil, count: width), count: height)
    }

    /// Makes the terminal wider, as xterm does: rows keep their content, nothing re-flows.
    public func widen(to newWidth: Int) {
        precondition(newWidth >= width)
        grid = grid.map { $0 + Array(repeating: nil, count: newWidth - width) }
        width = newWidth
    }

    /// Interprets output as a terminal would; escape sequences may be split across calls.
    public func write(_ text: String) {
        pending += Array(text.unicodeScalars)
        var index = 0
        var printable = ""
        func flushPrintable() {
            for character in printable { put(character) }
            printable = ""
        }
        while index < pending.count {
            let scalar = pending[index]
            if scalar == "\u{1B}" {
                flushPrintable()
                guard let end = escapeEnd(from: index) else { break }
                escape(Array(pending[index..<end]))
                index = end
                continue
            }
            switch scalar {
            case "\r":
                flushPrintable()
                column = 0
                pendingWrap = false
            case "\n":
                // As a terminal whose tty turns LF into CR LF (onlcr).
                flushPrintable()
                column = 0
                lineFeed()
            case "\t":
                flushPrintable()
                column = min(column + 8 - column % 8, width - 1)
                pendingWrap = false
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
                    strayControls.append(scalar)
                } else {
                    printable.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        // A cluster may go on in the next write only if this one ended inside an escape.
        flushPrintable()
        pending.removeFirst(index)
    }

    /// The screen as text, one string per row, trailing blanks dropped.
    public var lines: [String] { grid.map(Self.text) }

    /// The screen's rows with their styles.
    public var cells: [[Cell?]] { grid }

    /// Scrollback then screen, as text, the trailing empty rows of the screen dropped.
    public var transcript: [String] {
        var all = scrollback.map(Self.text) + lines
        while all.last == "" { all.removeLast() }
        return all
    }

    /// The style of the first cell showing `text` on the screen, or nil when it is not shown.
    public func style(of text: String) -> String? {
        for (number, line) in lines.enumerated() {
            guard let range = line.range(of: text) else { continue }
            let column = line[..<range.lowerBound].reduce(0) { $0 + Self.width(of: $1) }
            return grid[number][column]?.style
        }
        return nil
    }

    private static func text(_ row: [Cell?]) -> String {
        var out = ""
        var skip = 0
        for cell in row {
            // The second half of a wide character is an empty cell after it.
            if skip > 0 {
                skip -= 1
                continue
            }
            if let cell {
                out.append(cell.character)
                skip = width(of: cell.character) - 1
            } else {
                out += " "
            }
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    private func put(_ character: Character) {
        let columns = Self.width(of: character)
        guard columns > 0 else { return }
        if pendingWrap || column + columns > width {
            pendingWrap = false
            column = 0
            lineFeed()
        }
        grid[row][column] = Cell(character: character, style: style)
        if columns == 2, column + 1 < width { grid[row][column + 1] = nil }
        column += columns
        if column >= width {
            column = width - 1
            pendingWrap = true
        }
    }

    private func lineFeed() {
        pendingWrap = false
        if row == height - 1 {
            scrollback.append(grid.removeFirst())
            grid.append(Array(repeating: nil, count: width))
        } else {
            row += 1
        }
    }

    /// Where the escape sequence at `start` ends, or nil when it is not complete yet.
    private func escapeEnd(from start: Int) -> Int? {
        guard start + 1 < pending.count else { return nil }
        switch pending[start + 1] {
        case "[":
            var index = start + 2
            while index < pending.count {
                if (0x40...0x7E).contains(pending[index].value) { return index + 1 }
                index += 1
            }
            return nil
        case "]":
            var index = start + 2
            while index < pending.count {
                if pending[index] == "\u{07}" { return index + 1 }
                if pending[index] == "\u{1B}", index + 1 < pending.count, pending[index + 1] == "\\" { return index + 2 }
                index += 1
            }
            return nil
        default:
            return start + 2
        }
    }

    private func escape(_ sequence: [Unicode.Scalar]) {
        guard sequence.count >= 2 else { return }
        if sequence[1] == "]" {
            let body = sequence.dropFirst(2).prefix { $0 != "\u{07}" && $0 != "\u{1B}" }
            operatingSystemCommands.append(String(String.UnicodeScalarView(body)))
            return
        }
        guard sequence[1] == "[", let final = sequence.last else { return }
        let parameters = String(String.UnicodeScalarView(sequence.dropFirst(2).dropLast()))
        let count = Int(parameters) ?? 1
        switch final {
        case "A":
            row = max(row - count, 0)
            pendingWrap = false
        case "K":
            for index in column..<width { grid[row][index] = nil }
        case "J":
            for index in column..<width { grid[row][index] = nil }
            for below in (row + 1)..<height { grid[below] = Array(repeating: nil, count: width) }
        case "m":
            let reset = parameters.isEmpty || parameters == "0"
            style = reset ? "" : parameters.hasPrefix("0;") ? String(parameters.dropFirst(2)) : style + ";" + parameters
        default:
            break
        }
    }

    /// Columns of a character: two for East Asian Wide and Fullwidth and emoji, none for marks.
    public static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let value = first.value
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }
}
