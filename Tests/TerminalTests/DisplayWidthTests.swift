import Testing

@testable import Terminal

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3), ("한국어", 6), ("가", 2), ("부산의 날씨", 11), ("漢字かな", 8), ("Ａ", 2),
        // Decomposed Hangul: a leading consonant, a vowel and a final consonant make one cell pair.
        ("\u{1100}\u{1161}\u{11A8}", 2),
    ])
    func wideEastAsianTextCountsTwoColumnsPerCharacter(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test(arguments: [
        ("e\u{301}", 1), ("a\u{308}\u{323}", 1), ("caf\u{E9}", 4), ("cafe\u{301}", 4), ("x\u{200B}y", 2),
        ("\u{301}", 0), ("\u{200D}", 0),
    ])
    func combiningMarksAndZeroWidthScalarsAddNothing(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test(arguments: [
        ("👍", 2), ("👍🏽", 2), ("👨‍👩‍👧", 2), ("🇰🇷", 2), ("❤️", 2), ("1️⃣", 2), ("☀", 1), ("ok👌", 4),
    ])
    func emojiSequencesAreOneWideGlyph(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test func controlCharactersTakeNoColumn() {
        #expect(DisplayWidth.of("\u{1B}") == 0)
        #expect(DisplayWidth.of(scalar: "\u{7}") == 0)
    }
}
