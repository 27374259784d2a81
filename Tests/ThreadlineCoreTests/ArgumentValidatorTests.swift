import Foundation
import Testing
import ThreadlineCore

@Suite("ArgumentValidator")
struct ArgumentValidatorTests {
    static let schema = """
        {"type":"object","properties":{
          "location":{"type":"string"},"days":{"type":"integer"},"metric":{"type":"boolean"},
          "threshold":{"type":"number"},"tags":{"type":"array"},"options":{"type":"object"},
          "nothing":{"type":"null"},"free":{}},
         "required":["location","days"]}
        """

    func messageOf(arguments: String, schema: String = Self.schema) -> String? {
        do {
            _ = try ArgumentValidator.validate(arguments: arguments, schema: schema)
            return nil
        } catch let error as ToolError {
            return error.message
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    @Test func validArgumentsAreReturned() throws {
        let object = try ArgumentValidator.validate(
            arguments: #"{"location":"서울","days":3,"metric":true,"threshold":0.5,"tags":["a"],"options":{},"nothing":null,"free":[1]}"#,
            schema: Self.schema)
        #expect(
            object == [
                "location": "서울", "days": 3, "metric": true, "threshold": 0.5, "tags": ["a"], "options": [:], "nothing": .null,
                "free": [1],
            ])
    }

    @Test func missingRequiredArgument() {
        let message = messageOf(arguments: #"{"location":"Seoul"}"#)
        #expect(message?.contains("missing required argument") == true)
        #expect(message?.contains("days") == true)
    }

    @Test(arguments: [
        (#"{"location":1,"days":1}"#, "location"),
        (#"{"location":true,"days":1}"#, "location"),
        (#"{"location":"x","days":"3"}"#, "days"),
        (#"{"location":"x","days":true}"#, "days"),
        (#"{"location":"x","days":false}"#, "days"),
        (#"{"location":"x","days":2.5}"#, "days"),
        (#"{"location":"x","days":1e300}"#, "days"),
        (#"{"location":"x","days":null}"#, "days"),
        (#"{"location":"x","days":1,"metric":1}"#, "metric"),
        (#"{"location":"x","days":1,"metric":0}"#, "metric"),
        (#"{"location":"x","days":1,"metric":"true"}"#, "metric"),
        (#"{"location":"x","days":1,"threshold":true}"#, "threshold"),
        (#"{"location":"x","days":1,"threshold":"0.5"}"#, "threshold"),
        (#"{"location":"x","days":1,"threshold":null}"#, "threshold"),
        (#"{"location":"x","days":1,"tags":"a"}"#, "tags"),
        (#"{"location":"x","days":1,"tags":{}}"#, "tags"),
        (#"{"location":"x","days":1,"options":"{}"}"#, "options"),
        (#"{"location":"x","days":1,"options":[]}"#, "options"),
        (#"{"location":"x","days":1,"nothing":0}"#, "nothing"),
        (#"{"location":"x","days":1,"nothing":false}"#, "nothing"),
        (#"{"location":"x","days":1,"nothing":""}"#, "nothing"),
        (#"{"location":null,"days":1}"#, "location"),
    ])
    func wrongTypesAreRejected(arguments: String, offending: String) {
        let message = messageOf(arguments: arguments)
        #expect(message != nil, "\(arguments) should be rejected")
        #expect(message?.contains("'\(offending)'") == true, "message: \(message ?? "nil")")
    }

    @Test(arguments: [
        #"{"location":"x","days":1}"#,
        #"{"location":"x","days":0,"metric":false}"#,
        #"{"location":"","days":-4,"metric":true,"threshold":3}"#,
        #"{"location":"x","days":2.0,"threshold":2.5}"#,
        #"{"location":"x","days":1,"free":"anything","unknown_extra":{"a":1}}"#,
    ])
    func rightTypesAreAccepted(arguments: String) {
        #expect(messageOf(arguments: arguments) == nil)
    }

    @Test func integralDoublesReachTheToolAsIntegers() throws {
        let object = try ArgumentValidator.validate(arguments: #"{"location":"x","days":2.0,"threshold":1}"#, schema: Self.schema)
        #expect(object["days"]?.intValue == 2)
        #expect(object["threshold"]?.doubleValue == 1)
        #expect(object["threshold"]?.boolValue == nil)
    }

    @Test(arguments: ["{", #"{"location": }"#, "not json", #"{"a":1}}"#, "{'location':'x'}"])
    func invalidJSON(arguments: String) {
        #expect(messageOf(arguments: arguments)?.contains("not valid JSON") == true)
    }

    @Test(arguments: ["[]", #"["location"]"#, "1", "true", "null", #""text""#])
    func nonObjectJSON(arguments: String) {
        #expect(messageOf(arguments: arguments)?.contains("must be a JSON object") == true)
    }

    @Test(arguments: ["", "   ", "\n\t "])
    func emptyArgumentsAreAnEmptyObject(arguments: String) throws {
        // No required names: accepted as {}.
        let object = try ArgumentValidator.validate(arguments: arguments, schema: #"{"type":"object","properties":{}}"#)
        #expect(object.isEmpty)
        // With required names: the error is about the missing argument, not about JSON.
        #expect(messageOf(arguments: arguments)?.contains("missing required argument") == true)
    }

    @Test func unparsableSchemaOnlyChecksThatArgumentsAreAnObject() throws {
        let object = try ArgumentValidator.validate(arguments: #"{"a":1}"#, schema: "not a schema")
        #expect(object == ["a": 1])
        #expect(try ArgumentValidator.validate(arguments: #"{"a":true}"#, schema: "[]") == ["a": true])
        #expect(messageOf(arguments: "[1]", schema: "") != nil)
    }
}
