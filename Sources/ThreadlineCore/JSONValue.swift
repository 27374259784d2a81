import Foundation

/// Any JSON value: tool arguments, tool parameter schemas, metadata and wire fields Threadline
/// passes through untouched. Numbers are doubles; booleans are never numbers.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Why a text is not JSON.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        /// What the parser objected to.
        public var message: String

        public var description: String { "invalid JSON: \(message)" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // The decoder keeps JSON's kinds apart: `true` does not decode as a number, nor `1` as a Bool.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Integral values print as integers ("3", not "3.0"), as the models and tools expect.
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text (any value, not only objects and arrays).
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Parses UTF-8 JSON data (any value, not only objects and arrays).
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ParseError(message: context.underlyingError.map { "\($0)" } ?? context.debugDescription)
        } catch {
            throw ParseError(message: "\(error)")
        }
    }

    /// Compact JSON text with sorted keys and unescaped slashes, so equal values print the same.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only non-finite numbers fail to encode; JSON has no spelling for them.
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }
}
