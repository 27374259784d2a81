import Testing

@testable import Terminal

@Suite struct MultilineInputTests {
    @Test func aSingleLineIsCompleteAndMayBeACommand() {
        var input = MultilineInput()
        #expect(input.add("  /help ") == .complete("/help", literal: false))
        #expect(!input.isOpen)
    }

    @Test func tripleQuotesOpenABlockThatKeepsNewlinesAndIndentation() {
        var input = MultilineInput()
        #expect(input.add("\"\"\"") == .needMore)
        #expect(input.isOpen)
        #expect(input.add("/not a command") == .needMore)
        #expect(input.add("    indented") == .needMore)
        #expect(input.add("") == .needMore)
        #expect(input.add("\"\"\"") == .complete("/not a command\n    indented", literal: true))
        #expect(!input.isOpen)
    }

    @Test func continuedLinesJoinUntilALineEndsWithEnter() {
        var input = MultilineInput()
        #expect(input.add("first", continued: true) == .needMore)
        #expect(input.add("second", continued: true) == .needMore)
        #expect(input.add("third") == .complete("first\nsecond\nthird", literal: true))
    }

    @Test func aPastedLineWithNewlinesIsOneLiteralMessage() {
        var input = MultilineInput()
        #expect(input.add("/a\nb\nc\n") == .complete("/a\nb\nc", literal: true))
    }

    @Test func anOpenBlockIsSentAtEndOfInputAndDroppedByCtrlC() {
        var input = MultilineInput()
        _ = input.add("\"\"\"")
        _ = input.add("kept")
        #expect(input.flush() == "kept")
        #expect(input.flush() == nil)
        _ = input.add("dropped", continued: true)
        input.reset()
        #expect(!input.isOpen)
        #expect(input.add("next") == .complete("next", literal: false))
    }
}
