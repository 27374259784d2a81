import Foundation
import Testing

@testable import Terminal

/// The pure parts of the Markdown renderer: line classification, inline styles, tables, code
/// colouring, code block extraction, the clipboard sequence.
@Suite struct MarkdownPartsTests {
    @Test func linesAreClassifiedOnTheirOwn() {
        #expect(MarkdownLine.classify("## Title ##") == .heading(level: 2, text: "Title"))
        #expect(MarkdownLine.classify("#hashtag") == .paragraph(indent: 0, text: "#hashtag"))
        #expect(MarkdownLine.classify("  - item") == .bullet(indent: 2, text: "item"))
        #expect(MarkdownLine.classify("-not a list") == .paragraph(indent: 0, text: "-not a list"))
        #expect(MarkdownLine.classify("12. twelve") == .numbered(indent: 0, marker: "12.", text: "twelve"))
        #expect(MarkdownLine.classify("> quoted") == .quote(text: "quoted"))
        #expect(MarkdownLine.classify("* * *") == .rule)
        #expect(MarkdownLine.classify("```swift title") == .fence(marker: "```", language: "swift"))
        #expect(MarkdownLine.classify("~~~~") == .fence(marker: "~~~~", language: ""))
        #expect(MarkdownLine.classify("```a`b") == .paragraph(indent: 0, text: "```a`b"))
        #expect(MarkdownLine.classify("| a | b |") == .tableRow("| a | b |"))
        #expect(MarkdownLine.classify("   ") == .blank)
        #expect(MarkdownLine.closesFence("````", marker: "```"))
        #expect(!MarkdownLine.closesFence("``", marker: "```"))
        #expect(!MarkdownLine.closesFence("~~~", marker: "```"))
    }

    let inline = InlineMarkdown(hyperlinks: false)

    @Test func inlineStylesNestAndUnclosedDelimitersStayText() {
        let bold = TextStyle.plain.with { $0.bold = true }
        let boldItalic = bold.with { $0.italic = true }
        #expect(inline.runs("a **b *c*** d") == [StyledRun("a "), StyledRun("b ", bold), StyledRun("c", boldItalic), StyledRun(" d")])
        #expect(inline.runs("2 * 3 * 4 and **open") == [StyledRun("2 * 3 * 4 and **open")])
        #expect(inline.runs("snake_case_name") == [StyledRun("snake_case_name")])
        #expect(inline.runs("~~gone~~") == [StyledRun("gone", TextStyle.plain.with { $0.strikethrough = true })])
        #expect(inline.runs("`a **b**`") == [StyledRun("a **b**", TextStyle.plain.with { $0.foreground = InlineMarkdown.codeForeground })])
        #expect(inline.runs(#"\*not\*"#) == [StyledRun("*not*")])
    }

    @Test func linksShowTheirURLUnlessTheTerminalMakesThemHyperlinks() {
        let shown = inline.runs("see [docs](https://example.com/a)").plainText
        #expect(shown == "see docs (https://example.com/a)")
        let linked = InlineMarkdown(hyperlinks: true).runs("see [docs](https://example.com/a)")
        #expect(linked.plainText == "see docs")
        #expect(linked.last?.style.link == "https://example.com/a")
        let bytes = linked.terminalText(hyperlinks: true)
        #expect(bytes.contains("\u{1B}]8;;https://example.com/a\u{1B}\\"))
        #expect(bytes.contains("docs\u{1B}]8;;\u{1B}\\"))
        #expect(inline.runs("<https://example.com>").plainText == "https://example.com")
    }

    @Test func tablesAlignByDisplayWidthAndRefuseToOverflow() throws {
        let table = try #require(MarkdownTable(lines: ["| 도시 | n |", "|:-:|--:|", "| 서울특별시 | 7 |"]))
        let rows = try #require(table.render(width: 40, inline: inline)).map(Self.plain)
        #expect(rows == ["┌────────────┬───┐", "│    도시    │ n │", "├────────────┼───┤", "│ 서울특별시 │ 7 │", "└────────────┴───┘"])
        #expect(table.render(width: 17, inline: inline) == nil)
        #expect(MarkdownTable(lines: ["| a | b |", "| c | d |"]) == nil, "no delimiter row, no table")
        #expect(MarkdownTable.cells(#"| `a|b` | c\|d |"#) == ["`a|b`", "c|d"])
    }

    @Test func codeIsColouredWithoutChangingItsText() {
        var swift = CodeHighlighter(language: "Swift")
        let runs = swift.runs(#"let s = "a \"q\"" // note"#, base: .plain)
        #expect(runs.plainText == #"let s = "a \"q\"" // note"#)
        #expect(runs.first == StyledRun("let", TextStyle.plain.with { $0.foreground = CodeHighlighter.keywordForeground }))
        #expect(runs.contains(StyledRun(#""a \"q\"""#, TextStyle.plain.with { $0.foreground = CodeHighlighter.stringForeground })))
        var go = CodeHighlighter(language: "go")
        _ = go.runs("x := 1 /* starts", base: .plain)
        #expect(go.runs("still comment */ y", base: .plain).first?.style.foreground == CodeHighlighter.commentForeground)
        var unknown = CodeHighlighter(language: "brainfuck")
        #expect(unknown.runs("+++", base: .plain) == [StyledRun("+++")])
    }

    @Test func codeBlocksAreNumberedAsTheLabelsShow() {
        let reply = "a\n```sh\necho 1\n\techo 2\n```\n~~~\nplain\n~~~\n```py\nprint(1)"
        #expect(MarkdownDocument.codeBlocks(in: reply) == ["echo 1\n\techo 2", "plain", "print(1)"])
        let rendered = MarkdownDocument.render(reply, width: 40, hyperlinks: false)
        #expect(Self.plain(rendered).contains("─── [2]"))
        #expect(Self.plain(rendered).contains("─── [3] py"))
    }

    @Test func theClipboardSequenceIsOSC52AndPassesThroughTmux() {
        #expect(Clipboard.sequence(copying: "hi", insideTmux: false) == "\u{1B}]52;c;aGk=\u{07}")
        let tmux = Clipboard.sequence(copying: "hi", insideTmux: true)
        #expect(tmux.hasPrefix("\u{1B}]52;c;aGk=\u{07}\u{1B}Ptmux;\u{1B}\u{1B}]52;c;aGk=\u{07}\u{1B}\\"))
    }

    @Test func hyperlinksOnlyWhereTheTerminalIsKnownToShowThem() {
        #expect(TerminalInfo.supportsHyperlinks(environment: ["TERM_PROGRAM": "iTerm.app"]))
        #expect(!TerminalInfo.supportsHyperlinks(environment: ["TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/x"]))
        #expect(!TerminalInfo.supportsHyperlinks(environment: ["TERM": "xterm-256color"]))
    }

    /// Terminal text without its escape sequences.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\u{1B}\\]8;;[^\u{1B}]*\u{1B}\\\\", with: "", options: .regularExpression)
    }
}
