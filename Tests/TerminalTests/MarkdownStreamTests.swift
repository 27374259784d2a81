import TestSupport
import Testing

@testable import Terminal

/// The streaming renderer on a virtual terminal: whatever the chunking (every Unicode scalar
/// apart, random pieces), the final screen and scrollback are those of the reply written
/// whole, and match the golden screens.
@Suite struct MarkdownStreamTests {
    static let koreanProse = "부산의 현재 기온은 14°C입니다. 오늘 비가 올 확률은 25%입니다.\n\n띄어쓰기없이길게이어지는한국어문장도터미널너비에맞춰줄바꿈됩니다.\n"
    static let nestedList =
        "Plan:\n- Day 1: **rain**, take an umbrella\n  - morning: light showers\n  - evening: *heavy* rain\n- Day 2: sunny\n1. first\n2. second with `code`\n"
    static let swiftBlock = "Here:\n```swift\nlet city = \"Busan\" // home\nfunc f() -> Int { return 42 }\n```\nDone.\n"
    static let hangulTable = "| 도시 | 기온 | 비 |\n|---|--:|:-:|\n| 부산 | 14°C | 25% |\n| Seoul | 9°C | 80% |\n\nThat's all.\n"
    static let longLine = String(repeating: "abcdefghij", count: 9) + "\nnext\n"

    func render(_ chunks: [String], width: Int, height: Int = 30) -> VirtualTerminal {
        let terminal = VirtualTerminal(width: width, height: height)
        var stream = MarkdownStream(width: width, hyperlinks: false, maxRedrawRows: height - 1)
        for chunk in chunks { terminal.write(stream.feed(chunk)) }
        terminal.write(stream.finish())
        return terminal
    }

    /// Whole, at every scalar, and in random pieces: the same screen, cell for cell.
    func checkChunkings(_ reply: String, width: Int, height: Int = 30) -> VirtualTerminal {
        let whole = render([reply], width: width, height: height)
        let scalars = reply.unicodeScalars.map { String($0) }
        let everyScalar = render(scalars, width: width, height: height)
        #expect(everyScalar.cells == whole.cells, "split at every scalar:\n\(everyScalar.transcript.joined(separator: "\n"))")
        #expect(everyScalar.transcript == whole.transcript)
        var random = SplitMix64(seed: 14)
        for _ in 0..<20 {
            let chunks = Self.randomChunks(reply, &random)
            let chunked = render(chunks, width: width, height: height)
            #expect(chunked.cells == whole.cells, "chunks \(chunks)")
            #expect(chunked.transcript == whole.transcript)
        }
        #expect(whole.strayControls.isEmpty)
        #expect(whole.style == "", "attributes are reset at the end")
        return whole
    }

    /// `text` cut into pieces of one to nine Unicode scalars.
    static func randomChunks(_ text: String, _ random: inout SplitMix64) -> [String] {
        var chunks: [String] = []
        var rest = Substring.UnicodeScalarView(text.unicodeScalars)
        while !rest.isEmpty {
            let count = random.nextSize(upTo: 9)
            chunks.append(String(String.UnicodeScalarView(rest.prefix(count))))
            rest = rest.dropFirst(count)
        }
        return chunks
    }

    @Test func koreanProseWrapsByDisplayWidthWithOrWithoutSpaces() {
        let screen = checkChunkings(Self.koreanProse, width: 30)
        #expect(
            screen.transcript
                == [
                    "부산의 현재 기온은 14°C입니다.",
                    "오늘 비가 올 확률은 25%입니다.",
                    "",
                    "띄어쓰기없이길게이어지는한국어",
                    "문장도터미널너비에맞춰줄바꿈됩",
                    "니다.",
                ])
    }

    @Test func nestedListsGetBulletsAndHangingIndents() {
        let screen = checkChunkings(Self.nestedList, width: 32)
        #expect(
            screen.transcript
                == [
                    "Plan:",
                    "• Day 1: rain, take an umbrella",
                    "  ◦ morning: light showers",
                    "  ◦ evening: heavy rain",
                    "• Day 2: sunny",
                    "1. first",
                    "2. second with code",
                ])
        #expect(screen.style(of: "rain,") == "1")
        #expect(screen.style(of: "heavy") == "3")
        #expect(screen.style(of: "code") == InlineMarkdown.codeForeground)
    }

    @Test func aSwiftCodeBlockIsLabelledColouredAndNeverWrappedOrIndented() {
        let screen = checkChunkings(Self.swiftBlock, width: 40)
        #expect(
            screen.transcript
                == [
                    "Here:",
                    "─── [1] swift",
                    #"let city = "Busan" // home"#,
                    "func f() -> Int { return 42 }",
                    "───",
                    "Done.",
                ])
        #expect(screen.style(of: "let") == "35;48;5;236")
        #expect(screen.style(of: "\"Busan\"") == "32;48;5;236")
        #expect(screen.style(of: "// home") == "90;48;5;236")
    }

    @Test func aTableWithHangulCellsIsAlignedByDisplayWidth() {
        let screen = checkChunkings(Self.hangulTable, width: 40)
        #expect(
            screen.transcript
                == [
                    "┌───────┬──────┬─────┐",
                    "│ 도시  │ 기온 │ 비  │",
                    "├───────┼──────┼─────┤",
                    "│ 부산  │ 14°C │ 25% │",
                    "│ Seoul │  9°C │ 80% │",
                    "└───────┴──────┴─────┘",
                    "",
                    "That's all.",
                ])
    }

    @Test func aTableWiderThanTheTerminalStaysAsWritten() {
        let screen = checkChunkings(Self.hangulTable, width: 14)
        // Each line as written, folded by the terminal at 14 columns.
        #expect(Array(screen.transcript.prefix(6)) == ["| 도시 | 기온", "| 비 |", "|---|--:|:-:|", "| 부산 | 14°C", "| 25% |", "| Seoul | 9°C"])
    }

    @Test func aLongUnbrokenLineIsCutIntoRowsAndRedrawnOnce() {
        let screen = checkChunkings(Self.longLine, width: 20)
        #expect(
            screen.transcript == [
                "abcdefghijabcdefghij", "abcdefghijabcdefghij", "abcdefghijabcdefghij", "abcdefghijabcdefghij", "abcdefghij", "next",
            ])
    }

    @Test func aLineTallerThanTheScreenIsLeftRawAndScrollbackHoldsEachRowOnce() {
        let reply = "**start** " + String(repeating: "word ", count: 60) + "end\nafter **bold**\n"
        var random = SplitMix64(seed: 7)
        for chunking in [reply.unicodeScalars.map { String($0) }, Self.randomChunks(reply, &random), Self.randomChunks(reply, &random)] {
            let rows = render(chunking, width: 20, height: 5).transcript
            #expect(rows.first == "**start** word word", "left as written: \(rows)")
            #expect(rows.filter { $0.contains("start") }.count == 1)
            #expect(rows.dropLast().last == "word word end")
            #expect(rows.last == "after bold")
            #expect(rows.count == 17)
        }
    }

    @Test func aReplyCutMidFenceLeavesTheScreenSane() {
        let partial = "Try:\n```swift\nlet x = 1\nprint(\"unfinished"
        let screen = checkChunkings(partial, width: 40)
        #expect(screen.transcript == ["Try:", "─── [1] swift", "let x = 1", "print(\"unfinished"])
        #expect(screen.style == "")
    }

    @Test func controlCharactersFromTheModelAreShownNotObeyed() {
        let screen = checkChunkings("evil \u{1B}[2J\u{07}title\u{9B}x\n", width: 40)
        #expect(screen.transcript == ["evil ␛[2J␇title\u{FFFD}x"])
    }

    @Test func aResizeReflowsOnlyTheLineBeingWritten() {
        let terminal = VirtualTerminal(width: 15, height: 10)
        var stream = MarkdownStream(width: 15, hyperlinks: false, maxRedrawRows: 9)
        terminal.write(stream.feed("first line is wrapped\nsecond line is being written now"))
        #expect(terminal.lines.prefix(4) == ["first line is", "wrapped", "second line is", "being written"])
        terminal.widen(to: 30)
        terminal.write(stream.resize(to: 30))
        terminal.write(stream.feed(" and ends\n"))
        terminal.write(stream.finish())
        #expect(terminal.transcript == ["first line is", "wrapped", "second line is being written", "now and ends"])
    }
}
