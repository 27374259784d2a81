import Foundation
import Testing
import ThreadlineCore

@Suite("JSONValue")
struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,true,false,null,"x"],"a":{"n":-3,"s":"한글"}}"#)
        #expect(
            value
                == .object([
                    "a": .object(["n": .number(-3), "s": .string("한글")]),
                    "b": .array([.number(1), .number(2.5), .bool(true), .bool(false), .null, .string("x")]),
                ]))
    }

    @Test func parsesData() throws {
        #expect(try JSONValue.parse(Data(#"  {"서울": [1, {"x": null}]}  "#.utf8)) == ["서울": [1, ["x": .null]]])
    }

    @Test func numbersAndBooleansStayDistinct() throws {
        #expect(try JSONValue.parse("1") == .number(1))
        #expect(try JSONValue.parse("0") == .number(0))
        #expect(try JSONValue.parse("1.0") == .number(1))
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("false") == .bool(false))
        #expect(try JSONValue.parse(#""1""#) == .string("1"))
        #expect(try JSONValue.parse(#""true""#) == .string("true"))
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse("[true,1,1.0,0,false]") == [true, 1, 1, 0, false])
        #expect(JSONValue.bool(true) != .number(1))
        #expect(JSONValue.bool(false) != .number(0))
    }

    @Test func typedAccessorsKeepKindsApart() throws {
        let value = try JSONValue.parse(#"{"int":3,"whole":3.0,"half":2.5,"huge":1e300,"yes":true,"one":1,"text":"3"}"#)
        #expect(value["int"]?.intValue == 3)
        #expect(value["whole"]?.intValue == 3)
        #expect(value["half"]?.intValue == nil)
        #expect(value["half"]?.doubleValue == 2.5)
        #expect(value["huge"]?.intValue == nil)
        #expect(value["yes"]?.boolValue == true)
        #expect(value["yes"]?.intValue == nil)
        #expect(value["yes"]?.doubleValue == nil)
        #expect(value["one"]?.boolValue == nil)
        #expect(value["text"]?.intValue == nil)
        #expect(value["text"]?.stringValue == "3")
        #expect(value["int"]?.stringValue == nil)
        #expect(value.objectValue?.count == 7)
        #expect(value.arrayValue == nil)
        #expect(JSONValue.null.stringValue == nil)
    }

    @Test func subscriptsByKeyAndIndex() {
        let value: JSONValue = ["name": "Seoul", "days": [1, 2, ["deep": [true]]]]
        #expect(value["name"] == "Seoul")
        #expect(value["days"]?[1] == 2)
        #expect(value["days"]?[2]?["deep"]?[0]?.boolValue == true)
        #expect(value["days"]?[3] == nil)
        #expect(value["days"]?[-1] == nil)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
        #expect(JSONValue.array([1])["name"] == nil)
        #expect(JSONValue.string("abc")[0] == nil)
    }

    @Test func literalsBuildTheSameValuesAsTheCases() {
        let literal: JSONValue = ["s": "서울", "i": 3, "d": 0.5, "b": false, "a": [1, "x"], "o": [:], "n": .null]
        #expect(
            literal
                == .object([
                    "s": .string("서울"), "i": .number(3), "d": .number(0.5), "b": .bool(false),
                    "a": .array([.number(1), .string("x")]), "o": .object([:]), "n": .null,
                ]))
    }

    @Test func unicodeSurvivesParsingAndPrinting() throws {
        // Escaped and literal spellings of the same text parse to the same string.
        #expect(try JSONValue.parse(#""\uD55C\uAE00 \ud83c\udf27""#) == "한글 🌧")
        let value = try JSONValue.parse(#"{"location":"부산/경상남도","emoji":"🌧️","combining":"e\u0301"}"#)
        #expect(value["location"] == "부산/경상남도")
        #expect(value["combining"]?.stringValue?.unicodeScalars.count == 2)
        // Printed verbatim: no \u escapes, no escaped slashes.
        #expect(value.jsonText == #"{"combining":"é","emoji":"🌧️","location":"부산/경상남도"}"#)
    }

    @Test func jsonTextIsCompactWithSortedKeys() {
        let value = JSONValue.object([
            "zeta": .number(1), "alpha": .array([.bool(true), .null]), "mid": .object(["y": .string("a/b"), "x": .number(0.25)]),
        ])
        #expect(value.jsonText == #"{"alpha":[true,null],"mid":{"x":0.25,"y":"a/b"},"zeta":1}"#)
    }

    @Test func equalValuesPrintTheSameWhateverTheirKeyOrder() throws {
        let keys = (0..<50).map { "key\($0)" }
        let forward = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.string($0)) }))
        let backward = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.reversed().map { ($0, JSONValue.string($0)) }))
        #expect(forward == backward)
        #expect(forward.jsonText == backward.jsonText)
        #expect(try JSONValue.parse(#"{"b":{"d":1,"c":2},"a":0}"#).jsonText == #"{"a":0,"b":{"c":2,"d":1}}"#)
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
        let value = try JSONValue.parse(#"{"days": 3, "lat": 37.5665, "count": 10.0}"#)
        #expect(value.jsonText == #"{"count":10,"days":3,"lat":37.5665}"#)
    }

    @Test(arguments: [
        JSONValue.null, .bool(true), .bool(false), .number(-12), .number(3.75), .number(1e300), .string("서울 \"quoted\" \\ /\n🌧️"),
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
        #expect(try JSONValue.parse(text) == value)
        // Printing is stable: the reparsed value prints the same text.
        #expect(try JSONValue.parse(text).jsonText == text)
    }

    @Test func codableInsideOtherTypes() throws {
        struct Envelope: Codable, Equatable {
            var name: String
            var payload: JSONValue
        }
        let envelope = Envelope(name: "call", payload: ["flag": true, "count": 2, "list": [.null, "x"]])
        let data = try JSONEncoder().encode(envelope)
        #expect(try JSONDecoder().decode(Envelope.self, from: data) == envelope)
        #expect(try JSONValue.parse(data) == ["name": "call", "payload": envelope.payload])
    }

    @Test func hashableValuesDeduplicate() {
        let values: Set<JSONValue> = [1, 1.0, true, "1", ["a": 1], ["a": 1.0], [1], .null]
        #expect(values.count == 6)
    }

    @Test(arguments: [
        "", "   ", "{", "}", "{\"a\":}", "[1 2]", "[1,,2]", "nul", "tru", "{'a':1}", "{\"a\":1} x", "{\"a\" 1}", "[1]]",
        "\"unterminated", "\"tab\there\"", #""\x""#, #""\ud800""#, "NaN", "Infinity", "01", "+1", ".5", "1.", "// c\n1",
    ])
    func malformedTextThrows(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    @Test func oneTrailingCommaIsTolerated() throws {
        // Foundation's parser allows it, as JSONSerialization did before; models sometimes write one.
        #expect(try JSONValue.parse(#"{"a":[1,],}"#) == ["a": [1]])
    }

    @Test func parseErrorSaysTheTextIsNotJSON() {
        #expect {
            try JSONValue.parse("{")
        } throws: { error in
            "\(error)".hasPrefix("invalid JSON: ")
        }
    }
}
