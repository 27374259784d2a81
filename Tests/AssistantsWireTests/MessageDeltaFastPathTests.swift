import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import AssistantsWire

/// The direct `thread.message.delta` reader must agree with `JSONDecoder` wherever it answers,
/// and leave everything else to it.
@Suite("MessageDelta fast path")
struct MessageDeltaFastPathTests {
    /// Every member, byte for byte (String's `==` would forgive a different normalization).
    static func fingerprint(_ delta: MessageDelta) -> [[UInt8]] {
        var parts: [[UInt8]] = [Array(delta.id.utf8), Array(delta.object.utf8), delta.delta.role.map { Array($0.utf8) } ?? [0xFF]]
        guard let content = delta.delta.content else { return parts + [[0xFE]] }
        for part in content {
            parts.append(Array(String(part.index).utf8))
            parts.append(Array(part.type.utf8))
            if let text = part.text {
                parts.append(text.value.map { Array($0.utf8) } ?? [0xFD])
                parts.append(text.annotations.map { Array(JSONValue.array($0).jsonText.utf8) } ?? [0xFC])
            } else {
                parts.append([0xFB])
            }
        }
        return parts
    }

    /// Checks one payload; returns whether the fast path answered.
    @discardableResult
    static func agree(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let slow = try? JSONDecoder().decode(MessageDelta.self, from: Data(text.utf8))
        let fast = MessageDeltaFastPath.decode(text)
        if let fast {
            #expect(slow.map(fingerprint) == fingerprint(fast), "\(text.debugDescription)", sourceLocation: sourceLocation)
        }
        let event = try? StreamEvent.decode(name: "thread.message.delta", data: text)
        #expect(event == slow.map { .messageDelta($0) }, "\(text.debugDescription)", sourceLocation: sourceLocation)
        return fast != nil
    }

    static let usual =
        #"{"id": "msg_abc123", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "type": "text", "#
        + #""text": {"value": "토큰0 ", "annotations": []}}]}}"#

    @Test func usualShapeTakesTheFastPath() {
        #expect(Self.agree(Self.usual))
        #expect(Self.agree(#"{"id":"msg_1","object":"thread.message.delta","delta":{"role":"assistant","content":[]}}"#))
        #expect(MessageDeltaFastPath.decode(Self.usual) == MessageDelta(messageID: "msg_abc123", text: "토큰0 "))
    }

    @Test(arguments: [
        #"{"id":"m","object":"o","delta":{"content":[{"index":0,"type":"text","text":{"value":"a\nb\"c\\d\/e\u00e9\ud83d\ude00\t\b\f\r"}}]}}"#,
        #"{"id":"\u0000","object":"o","delta":{}}"#,
        #"{"id":"m","object":"x","delta":{"content":null,"role":null}}"#,
        #"{"id":"m","object":"x","delta":{"content":[{"index":0,"type":"text","text":null}]}}"#,
        #"{"id":"m","object":"x","delta":{"content":[{"index":0,"type":"text","text":{"value":null,"annotations":null}}]}}"#,
        #"{"id":"m","object":"x","delta":{"content":[{"index":-12,"type":"image_file","image_file":{"file_id":"f","detail":[1,2.5e3,-0.1,true,false,null,{"a":{}}]}}]},"extra":[[[]]]}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":999999999999999999,"type":"t"}]}}"#,
        #"{"id":"m","object":"o","delta":{"x":1E+9,"y":1e400}}"#,
        " \t\r\n{ \"id\" : \"m\" , \"object\" : \"o\" , \"delta\" : { \"content\" : [ { \"index\" : 0 , \"type\" : \"t\" } ] } } \n",
    ])
    func validShapesAgree(text: String) {
        #expect(Self.agree(text))
    }

    /// Input the fast path leaves to JSONDecoder: lenient spellings JSONDecoder accepts, shapes it
    /// does not read itself, and errors, which must stay JSONDecoder's.
    @Test(arguments: [
        #"{"id":"m","object":"x","delta":{"content":[{"index":0,"type":"text","text":{"value":"v","annotations":[{"type":"file_citation"}]}}]}}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":1.0,"type":"t"}]}}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":1e2,"type":"t"}]}}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":-0,"type":"t"}]}}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":01,"type":"t"}]}}"#,
        #"{"id":"m","object":"o","delta":{"content":[{"index":99999999999999999999,"type":"t"}]}}"#,
        #"{"id":"m","id":"n","object":"o","delta":{}}"#,
        #"{"\u0069d":"m","object":"o","delta":{}}"#,
        #"{"id":"\ud800","object":"o","delta":{}}"#,
        #"{"id":"\udc00x","object":"o","delta":{}}"#,
        "{\"id\":\"a\u{1}b\",\"object\":\"o\",\"delta\":{}}",
        #"{"id":"m","delta":{}}"#,
        #"{"id":5,"object":"o","delta":{}}"#,
        #"{"id":"m","object":"o","delta":{"role":5}}"#,
        #"{"id":"m","object":"o","delta":{"content":[null]}}"#,
        #"{"id":"m","object":"o","delta":{"x":1.}}"#,
        #"{"id":"m","object":"o","delta":{"x":[1,]}}"#,
        #"{"id":"m","object":"o","delta":{},}"#,
        #"{"id":"m","object":"o","delta":{"x":"\x"}}"#,
        #"{"id":"m","object":"o","delta":{}} x"#,
        "\u{FEFF}{\"id\":\"m\",\"object\":\"o\",\"delta\":{}}",
        "{\"id\":\"m\",\"object\":\"o\",\"delta\":{}}\u{A0}",
        #"{"id":"m","object":"o","delta":{"content":[{"index":0,"type":"t","text":{"value":"x","value":"y"}}]}}"#,
        "", "[]", "null", "{\"id\":",
    ])
    func otherInputIsLeftToJSONDecoder(text: String) {
        #expect(!Self.agree(text))
    }

    /// Pseudo-random payloads around the real shape: whitespace, escapes, nulls, wrong types,
    /// missing, duplicated and unknown members.
    @Test func generatedPayloadsAgree() {
        var generator = Generator(random: SplitMix64(seed: 2024))
        var fast = 0
        for _ in 0..<3000 where Self.agree(generator.delta()) { fast += 1 }
        #expect(fast > 300)
    }

    struct Generator {
        var random: SplitMix64

        mutating func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
        mutating func chance(_ oneIn: Int) -> Bool { random.next() % UInt64(oneIn) == 0 }
        mutating func space() -> String { pick(["", "", "", " ", "\n", "\t", "\r\n "]) }

        mutating func string() -> String {
            var text = "\""
            for _ in 0..<Int(random.next() % 5) {
                text += pick([
                    "a", "토큰", "😀", "é", #"\n"#, #"\""#, #"\\"#, #"\/"#, #"\u00e9"#, #"\uD83D\uDE00"#, #"\u0041"#,
                    #"\t"#, " ", #"\u0000"#, #"\uFFFF"#, "e\\u0301", "\u{7F}",
                ])
            }
            return text + "\""
        }

        mutating func number() -> String { pick(["0", "1", "-1", "42", "123456789012345678", "1.5", "-0.0", "1e3", "2E-2"]) }

        mutating func value(depth: Int) -> String {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return string()
            case 1: return number()
            case 2: return pick(["true", "false", "null"])
            case 3: return "[]"
            case 4:
                var elements: [String] = []
                for _ in 0...Int(random.next() % 2) { elements.append(space() + value(depth: depth + 1)) }
                return "[" + elements.joined(separator: ",") + "]"
            default:
                var members: [String] = []
                for _ in 0..<Int(random.next() % 3) { members.append(string() + ":" + space() + value(depth: depth + 1)) }
                return "{" + members.joined(separator: ",") + "}"
            }
        }

        /// `expected` most of the time, otherwise null or any value.
        mutating func usually(_ expected: (inout Generator) -> String, nullable: Bool = true) -> String {
            if nullable && chance(12) { return "null" }
            return chance(25) ? value(depth: 3) : expected(&self)
        }

        mutating func object(_ members: [(String, (inout Generator) -> String)]) -> String {
            var parts: [String] = []
            for (key, make) in members {
                if chance(20) { continue }
                parts.append("\"\(key)\"" + space() + ":" + space() + make(&self))
                if chance(20) { parts.append("\"\(key)\":" + make(&self)) }
            }
            if chance(4) { parts.append(string() + ":" + value(depth: 2)) }
            for index in parts.indices.reversed() {  // shuffle
                parts.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            return "{" + space() + parts.joined(separator: space() + "," + space()) + space() + "}"
        }

        mutating func delta() -> String {
            let text: (inout Generator) -> String = { g in
                g.object([
                    ("value", { g in g.usually { $0.string() } }),
                    ("annotations", { g in g.usually { $0.chance(6) ? "[" + $0.value(depth: 3) + "]" : "[" + $0.space() + "]" } }),
                ])
            }
            let part: (inout Generator) -> String = { g in
                g.object([
                    ("index", { g in g.usually({ $0.number() }, nullable: false) }),
                    ("type", { g in g.usually({ $0.string() }, nullable: false) }),
                    ("text", { g in g.usually { text(&$0) } }),
                ])
            }
            let content: (inout Generator) -> String = { g in
                var parts: [String] = []
                for _ in 0..<Int(g.random.next() % 3) { parts.append(g.space() + part(&g)) }
                return "[" + parts.joined(separator: ",") + "]"
            }
            let body: (inout Generator) -> String = { g in
                g.object([
                    ("role", { g in g.usually { $0.string() } }),
                    ("content", { g in g.usually { content(&$0) } }),
                ])
            }
            return space()
                + object([
                    ("id", { g in g.usually({ $0.string() }, nullable: false) }),
                    ("object", { g in g.usually({ $0.string() }, nullable: false) }),
                    ("delta", { g in g.usually({ body(&$0) }, nullable: false) }),
                ]) + space()
        }
    }
}

/// The direct writer gives the encoder's JSON for every shape a delta takes (the encoder's
/// member order varies from run to run, so values are compared), and leaves annotations to it.
@Suite("MessageDelta fast writer")
struct MessageDeltaFastWriterTests {
    static let text = MessageDelta.TextDelta(value: "줄 \"q\" \\ \n\u{1}🙂", annotations: [])

    static func value(_ json: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }

    static func with(_ body: MessageDelta.Body) -> MessageDelta {
        var delta = MessageDelta(messageID: "m", text: "")
        delta.delta = body
        return delta
    }

    @Test(arguments: [
        MessageDelta(messageID: "msg_1", text: "hello"),
        MessageDelta(messageID: "msg_\"2", text: MessageDeltaFastWriterTests.text.value ?? ""),
        MessageDeltaFastWriterTests.with(.init(role: "assistant", content: nil)),
        MessageDeltaFastWriterTests.with(.init(role: nil, content: nil)),
        MessageDeltaFastWriterTests.with(.init(role: "assistant", content: [.init(index: 3, type: "text", text: nil)])),
        MessageDeltaFastWriterTests.with(
            .init(
                role: nil,
                content: [
                    .init(index: 0, type: "text", text: .init(value: nil, annotations: [])),
                    .init(index: 1, type: "text", text: .init(value: "x", annotations: nil)),
                    .init(index: 2, type: "text", text: MessageDeltaFastWriterTests.text),
                ])),
    ])
    func writesWhatTheEncoderWrites(value: MessageDelta) throws {
        let written = try #require(MessageDeltaFastPath.encode(value))
        #expect(try Self.value(written) == Self.value(WireCoding.jsonText(value)))
        #expect(try JSONDecoder().decode(MessageDelta.self, from: Data(written.utf8)) == value)
    }

    @Test func leavesAnnotationsToTheEncoder() throws {
        let annotated = Self.with(
            .init(role: nil, content: [.init(index: 0, type: "text", text: .init(value: "x", annotations: [.null]))]))
        #expect(MessageDeltaFastPath.encode(annotated) == nil)
        #expect(try Self.value(StreamEvent.messageDelta(annotated).dataText) == Self.value(WireCoding.jsonText(annotated)))
    }
}
