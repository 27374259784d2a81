import Foundation

/// Checks tool arguments against the subset of JSON Schema that function tools use:
/// an object with typed properties and required names.
public enum ArgumentValidator {
    /// Parses `arguments` and validates it against `schema` (JSON text); returns the object or
    /// throws a `ToolError` that says what is wrong.
    public static func validate(arguments: String, schema: String) throws -> [String: Any] {
        let trimmed = arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = trimmed.isEmpty ? "{}" : trimmed
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            throw ToolError("arguments are not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw ToolError("arguments must be a JSON object")
        }
        guard
            let schemaObject = try? JSONSerialization.jsonObject(with: Data(schema.utf8)) as? [String: Any]
        else {
            return object
        }
        for name in schemaObject["required"] as? [String] ?? [] where object[name] == nil {
            throw ToolError("missing required argument '\(name)'")
        }
        let properties = schemaObject["properties"] as? [String: Any] ?? [:]
        for (name, value) in object {
            guard let property = properties[name] as? [String: Any], let type = property["type"] as? String else {
                continue
            }
            if !matches(value, type: type) {
                throw ToolError("argument '\(name)' must be of type \(type)")
            }
        }
        return object
    }

    private static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "string": return value is String
        case "boolean": return isBool(value)
        case "integer":
            guard let number = value as? NSNumber, !isBool(value) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        case "number": return value is NSNumber && !isBool(value)
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "null": return value is NSNull
        default: return true
        }
    }

    private static func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers whose storage type is char ("c").
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }
}
