import Foundation

/// The encoder and decoder every Assistants v2 object goes through.
public enum WireCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// Encodes a wire value as compact JSON text.
    public static func jsonText(_ value: some Encodable) -> String {
        (try? String(decoding: encoder().encode(value), as: UTF8.self)) ?? "{}"
    }

    /// Appends `text` as a JSON string, escaped as `encoder()` escapes it (no `\/`), for the
    /// answers written by hand because Codable costs more than the rest of their work.
    public static func appendString(_ text: String, to json: inout String) {
        json.append("\"")
        var start = text.utf8.startIndex
        for index in text.utf8.indices {
            let byte = text.utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            json.append(contentsOf: text[start..<index])
            switch byte {
            case UInt8(ascii: "\""): json.append("\\\"")
            case UInt8(ascii: "\\"): json.append("\\\\")
            case 0x0A: json.append("\\n")
            case 0x0D: json.append("\\r")
            case 0x09: json.append("\\t")
            case 0x08: json.append("\\b")
            case 0x0C: json.append("\\f")
            default:
                json.append("\\u00")
                json.append(String(byte >> 4, radix: 16))
                json.append(String(byte & 0xF, radix: 16))
            }
            start = text.utf8.index(after: index)
        }
        json.append(contentsOf: text[start...])
        json.append("\"")
    }
}

/// The `error` member of an API error response, and the payload of an `error` stream event.
public struct APIErrorBody: Codable, Sendable, Equatable, Error {
    public var message: String
    public var type: String?
    public var param: String?
    public var code: String?

    public init(message: String, type: String? = nil, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    private enum CodingKeys: String, CodingKey {
        case message, type, param, code
    }

    /// Every member, `null` when unset, as the API's error object always carries all four.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(type, forKey: .type)
        try container.encode(param, forKey: .param)
        try container.encode(code, forKey: .code)
    }

    /// Decodes both `{"error": {...}}` and a bare `{...}` error object.
    public static func decode(from data: Data) -> APIErrorBody? {
        struct Wrapped: Decodable { var error: APIErrorBody }
        let decoder = WireCoding.decoder()
        if let wrapped = try? decoder.decode(Wrapped.self, from: data) { return wrapped.error }
        return try? decoder.decode(APIErrorBody.self, from: data)
    }
}
