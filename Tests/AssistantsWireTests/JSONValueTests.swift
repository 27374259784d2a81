import AssistantsWire
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try #require(JSONValue.parse(#"{"b":[1,2.5,true,false,null,"x"],"a":{"n":-3,"s":"한글"}}"#))
        #expect(value == .object([
            "a": .object(["n": .number(-3), "s": .string("한글")]),
            "b": .array([.number(1), .number(2.5), .bool(true), .bool(false), .null, .string("x")]),
        ]))
    }

    @Test func numbersAndBooleansStayDistinct() {
        #expect(JSONValue.parse("1") == .number(1))
        #expect(JSONValue.parse("0") == .number(0))
        #expect(JSONValue.parse("true") == .bool(true))
        #expect(JSONValue.parse("false") == .bool(false))
        #expect(JSONValue.parse(#""1""#) == .string("1"))
        #expect(JSONValue.parse("null") == .null)
    }

    @Test func jsonTextIsCompactWithSortedKeys() {
        let value = JSONValue.object([
            "zeta": .number(1), "alpha": .array([.bool(true), .null]), "mid": .object(["y": .string("a/b"), "x": .number(0.25)]),
        ])
        #expect(value.jsonText == #"{"alpha":[true,null],"mid":{"x":0.25,"y":"a/b"},"zeta":1}"#)
    }

    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (42.0, "42"), (-7.0, "-7"), (100_000_000_000_000.0, "100000000000000"),
        (2.5, "2.5"), (-0.125, "-0.125"),
    ])
    func integersPrintWithoutFraction(number: Double, expected: String) {
        #expect(JSONValue.number(number).jsonText == expected)
        #expect(JSONValue.array([.number(number)]).jsonText == "[\(expected)]")
    }

    @Test func integersInParsedTextPrintWithoutFraction() throws {
        let value = try #require(JSONValue.parse(#"{"days": 3, "lat": 37.5665, "count": 10.0}"#))
        #expect(value.jsonText == #"{"count":10,"days":3,"lat":37.5665}"#)
    }

    @Test(arguments: [
        JSONValue.null, .bool(true), .number(-12), .number(3.75), .string("서울 \"quoted\" \\ /\n🌧️"),
        .array([]), .object([:]),
        .object([
            "type": .string("object"),
            "properties": .object([
                "location": .object(["type": .string("string")]), "days": .object(["type": .string("integer")]),
            ]),
            "required": .array([.string("location")]),
            "nested": .array([.array([.number(1), .null]), .object(["deep": .bool(false)])]),
        ]),
    ])
    func parseJSONTextRoundTrip(value: JSONValue) throws {
        let text = value.jsonText
        #expect(JSONValue.parse(text) == value)
        // Printing is stable: the reparsed value prints the same text.
        #expect(try #require(JSONValue.parse(text)).jsonText == text)
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1 2]", "nul", "{'a':1}"])
    func invalidTextGivesNil(text: String) {
        #expect(JSONValue.parse(text) == nil)
    }

    @Test func accessors() {
        let value = JSONValue.object(["name": .string("Seoul"), "days": .number(3)])
        #expect(value["name"]?.stringValue == "Seoul")
        #expect(value["days"]?.numberValue == 3)
        #expect(value["days"]?.stringValue == nil)
        #expect(value["name"]?.numberValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([.number(1)])["name"] == nil)
    }
}
