/// Inline Markdown of one line: `**bold**`/`__bold__`, `*italic*`/`_italic_`, `~~struck~~`,
/// `` `code` ``, `[text](url)` and `<url>` links, backslash escapes. A delimiter without its
/// closing partner stays literal text, and `_` inside a word (snake_case) is not emphasis.
struct InlineMarkdown {
    /// Whether links become OSC 8 hyperlinks; otherwise the URL is shown after the text.
    var hyperlinks: Bool

    static let codeForeground = "36"
    static let linkForeground = "34"

    /// The styled runs of `text`, on top of `base`.
    func runs(_ text: String, base: TextStyle = .plain) -> [StyledRun] {
        var runs: [StyledRun] = []
        parse(Array(text), base: base, into: &runs)
        return runs
    }

    private func parse(_ characters: [Character], base: TextStyle, into runs: inout [StyledRun]) {
        var literal = ""
        func flush() {
            if !literal.isEmpty { runs.append(StyledRun(literal, base)) }
            literal = ""
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, characters[index + 1].isPunctuation || characters[index + 1].isSymbol {
                literal.append(characters[index + 1])
                index += 2
                continue
            }
            if let span = span(in: characters, at: index) {
                flush()
                switch span.kind {
                case .code:
                    runs.append(StyledRun(String(characters[span.inner]), base.with { $0.foreground = Self.codeForeground }))
                case .emphasis(let change):
                    parse(Array(characters[span.inner]), base: base.with(change), into: &runs)
                case .link(let url):
                    let label = Array(characters[span.inner])
                    parse(
                        label,
                        base: base.with {
                            $0.underline = true
                            $0.foreground = Self.linkForeground
                            $0.link = url
                        }, into: &runs)
                    if !hyperlinks && String(label) != url { runs.append(StyledRun(" (\(url))", base.with { $0.dim = true })) }
                }
                index = span.end
                continue
            }
            literal.append(character)
            index += 1
        }
        flush()
    }

    private enum Kind {
        case code
        case emphasis((inout TextStyle) -> Void)
        case link(String)
    }

    private struct Span {
        var kind: Kind
        /// The characters inside the delimiters.
        var inner: Range<Int>
        /// Just past the closing delimiter.
        var end: Int
    }

    private func span(in characters: [Character], at index: Int) -> Span? {
        switch characters[index] {
        case "`": return codeSpan(characters, at: index)
        case "*", "_":
            let marker = characters[index]
            if let span = emphasis(characters, at: index, delimiter: [marker, marker], change: { $0.bold = true }) { return span }
            return emphasis(characters, at: index, delimiter: [marker], change: { $0.italic = true })
        case "~": return emphasis(characters, at: index, delimiter: ["~", "~"], change: { $0.strikethrough = true })
        case "[": return link(characters, at: index)
        case "<": return autolink(characters, at: index)
        default: return nil
        }
    }

    private func codeSpan(_ characters: [Character], at index: Int) -> Span? {
        var count = 0
        while index + count < characters.count, characters[index + count] == "`" { count += 1 }
        var search = index + count
        while search < characters.count {
            guard characters[search] == "`" else {
                search += 1
                continue
            }
            var run = 0
            while search + run < characters.count, characters[search + run] == "`" { run += 1 }
            if run == count {
                var inner = (index + count)..<search
                // One space on both sides is padding, so `` ` `` can show a backtick.
                if inner.count >= 2, characters[inner.lowerBound] == " ", characters[inner.upperBound - 1] == " " {
                    inner = (inner.lowerBound + 1)..<(inner.upperBound - 1)
                }
                return Span(kind: .code, inner: inner, end: search + run)
            }
            search += run
        }
        return nil
    }

    private func emphasis(
        _ characters: [Character], at index: Int, delimiter: [Character], change: @escaping (inout TextStyle) -> Void
    ) -> Span? {
        let length = delimiter.count
        guard matches(characters, delimiter, at: index) else { return nil }
        let start = index + length
        guard start < characters.count, !characters[start].isWhitespace, characters[start] != delimiter[0] || length == 2 else {
            return nil
        }
        // `_` opens only at the start of a word: snake_case stays as written.
        if delimiter[0] == "_", index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber { return nil }
        var search = start + 1
        while search + length <= characters.count {
            if characters[search] == "`", let code = codeSpan(characters, at: search) {
                search = code.end
                continue
            }
            if matches(characters, delimiter, at: search), !characters[search - 1].isWhitespace {
                let after = search + length
                // In a longer run (`***`) the closer is its last two: the first closes the inner italic.
                if length == 2, after < characters.count, characters[after] == delimiter[0] {
                    search += 1
                    continue
                }
                let doubled = length == 1 && after < characters.count && characters[after] == delimiter[0]
                let wordFollows =
                    delimiter[0] == "_" && after < characters.count && (characters[after].isLetter || characters[after].isNumber)
                if !doubled && !wordFollows { return Span(kind: .emphasis(change), inner: start..<search, end: after) }
                // A doubled marker inside single emphasis belongs to nested bold: skip both.
                if doubled { search += 1 }
            }
            search += 1
        }
        return nil
    }

    private func matches(_ characters: [Character], _ delimiter: [Character], at index: Int) -> Bool {
        index + delimiter.count <= characters.count && Array(characters[index..<(index + delimiter.count)]) == delimiter
    }

    private func link(_ characters: [Character], at index: Int) -> Span? {
        var depth = 0
        var close: Int?
        for position in (index + 1)..<characters.count {
            if characters[position] == "[" { depth += 1 }
            if characters[position] == "]" {
                if depth == 0 {
                    close = position
                    break
                }
                depth -= 1
            }
        }
        guard let close, close + 1 < characters.count, characters[close + 1] == "(",
            let end = characters[(close + 2)...].firstIndex(of: ")")
        else { return nil }
        let target = String(characters[(close + 2)..<end]).split(separator: " ").first.map(String.init) ?? ""
        guard !target.isEmpty, close > index + 1 else { return nil }
        return Span(kind: .link(target), inner: (index + 1)..<close, end: end + 1)
    }

    private func autolink(_ characters: [Character], at index: Int) -> Span? {
        guard let end = characters[(index + 1)...].firstIndex(of: ">") else { return nil }
        let target = String(characters[(index + 1)..<end])
        guard target.hasPrefix("http://") || target.hasPrefix("https://"), !target.contains(" ") else { return nil }
        return Span(kind: .link(target), inner: (index + 1)..<end, end: end + 1)
    }
}
