import Foundation

/// Checks tool arguments against the subset of JSON Schema that function tools use:
/// an object with typed properties and required names.
public enum ArgumentValidator {
    /// Parses `arguments` and validates it against `schema` (JSON text); returns the object's
    /// members or throws a `ToolError` that says what is wrong.
    public static func validate(arguments: String, schema: String) throws -> [String: JSONValue] {
        let trimmed = arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let parsed = try? JSONValue.parse(trimmed.isEmpty ? "{}" : trimmed) else {
            throw ToolError("arguments are not valid JSON")
        }
        guard let object = parsed.objectValue else {
            throw ToolError("arguments must be a JSON object")
        }
        guard let schemaObject = (try? JSONValue.parse(schema))?.objectValue else {
            return object
        }
        for name in schemaObject["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            throw ToolError("missing required argument '\(name)'")
        }
        let properties = schemaObject["properties"]?.objectValue ?? [:]
        for (name, value) in object {
            guard let type = properties[name]?["type"]?.stringValue else { continue }
            if !matches(value, type: type) {
                throw ToolError("argument '\(name)' must be of type \(type)")
            }
        }
        return object
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch type {
        case "string": value.stringValue != nil
        case "boolean": value.boolValue != nil
        case "integer": value.intValue != nil
        case "number": value.doubleValue != nil
        case "object": value.objectValue != nil
        case "array": value.arrayValue != nil
        case "null": value == .null
        default: true
        }
    }
}
