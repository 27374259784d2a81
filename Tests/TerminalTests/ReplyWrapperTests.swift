import Testing

@testable import Terminal

@Suite struct ReplyWrapperTests {
    /// Streams `deltas` through a wrapper and returns everything written.
    func wrap(_ deltas: [String], width: Int) -> String {
        var wrapper = ReplyWrapper(width: width)
        return deltas.map { wrapper.feed($0) }.joined() + wrapper.finish()
    }

    @Test func breaksBetweenWordsAtTheWidth() {
        let deltas = ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog."]
        #expect(wrap(deltas, width: 20) == "The quick brown fox\njumps over the lazy\ndog.")
    }

    @Test func hangulCountsTwoColumnsAndNoRowIsWiderThanTheTerminal() {
        let text = "부산의 현재 기온은 14°C입니다. 오늘 비가 올 확률은 25%입니다."
        let deltas = text.map(String.init)
        for width in [10, 11, 17, 24] {
            let output = wrap(deltas, width: width)
            let rows = output.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(rows.allSatisfy { DisplayWidth.of($0) <= width }, "width \(width): \(rows)")
            #expect(rows.count > 1)
            let nothingLost = output.filter { $0 != "\n" && $0 != " " } == text.filter { $0 != " " }
            #expect(nothingLost)
            #expect(!rows.contains { $0.hasPrefix(" ") || $0.hasSuffix(" ") }, "spaces at a break are dropped")
        }
    }

    @Test func wideCharactersWithoutSpacesBreakBetweenCharacters() {
        #expect(wrap(["漢字かな", "漢字"], width: 5) == "漢字\nかな\n漢字")
    }

    @Test func aWordLongerThanTheRowIsCut() {
        #expect(wrap(["abcdefghij", "klm"], width: 4) == "abcd\nefgh\nijkl\nm")
    }

    @Test func clustersSplitAcrossDeltasAreWrittenWhole() {
        var wrapper = ReplyWrapper(width: 3)
        // A family emoji arrives in three deltas; a combining accent arrives after its letter.
        let pieces = ["가👨", "\u{200D}👩", "\u{200D}👧", "e", "\u{301}x"].map { wrapper.feed($0) }
        let output = pieces.joined() + wrapper.finish()
        #expect(output == "가\n👨‍👩‍👧\ne\u{301}x")
        #expect(pieces.allSatisfy { !$0.unicodeScalars.contains("\u{1F468}") || $0.contains("👨‍👩‍👧") })
        #expect(!pieces[3].hasSuffix("e"), "the base letter waits for its mark")
    }

    @Test func explicitNewlinesStartARowAndSpacesAfterAWrapAreDropped() {
        #expect(wrap(["ab\ncd ", " ef"], width: 3) == "ab\ncd\nef")
    }
}
