import Testing

@testable import Terminal

/// Keys typed while a reply streamed, as they become the next prompt's text.
@Suite struct TypeAheadTests {
    func text(_ keys: String) -> String { TypeAhead.text(fromKeys: Array(keys.utf8)) }

    @Test func aLineEndedWithEnterWaitsWithoutItsEnter() {
        #expect(text("What's the temperature in Seoul?\r") == "What's the temperature in Seoul?")
        #expect(text("\r\r") == "")
        #expect(text("\r  \n") == "")
    }

    @Test func linesTypedOneAfterAnotherStayLinesOfOneInput() {
        #expect(text("first\rsecond\n") == "first\nsecond")
    }

    @Test func backspaceAndCtrlUEditAsTyped() {
        #expect(text("서울이\u{7F}의 날씨") == "서울의 날씨")
        #expect(text("wrong\u{15}right") == "right")
        #expect(text("ab\u{08}c") == "ac")
    }

    @Test func escapeSequencesAndControlKeysAreDropped() {
        #expect(text("up\u{1B}[A\u{1B}OBtext") == "uptext")
        #expect(text("\u{1B}[200~pasted\u{1B}[201~") == "pasted")
        #expect(text("a\u{01}b\u{1B}fc\tz") == "abc z")
    }
}
