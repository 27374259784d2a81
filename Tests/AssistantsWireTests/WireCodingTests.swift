import AssistantsWire
import Foundation
import Testing

@Suite("Wire coding")
struct WireCodingTests {
    /// The hand-written string reads back as the same text, escaped as the encoder escapes it.
    @Test(arguments: [
        "", "plain", "줄 바꿈\n탭\t", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{8}\u{C}\r\u{1F}\u{7F}", "🙂 e\u{301}",
    ])
    func appendedStringsReadBackAndMatchTheEncoder(text: String) throws {
        var json = "["
        WireCoding.appendString(text, to: &json)
        json.append("]")
        #expect(try JSONDecoder().decode([String].self, from: Data(json.utf8)) == [text])
        #expect(json == WireCoding.jsonText([text]))
    }
}
