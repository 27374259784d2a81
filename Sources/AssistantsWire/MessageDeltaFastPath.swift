import ThreadlineCore

/// A direct reader for `thread.message.delta` payloads, the event a streamed reply consists of.
///
/// `JSONDecoder` spends tens of microseconds on each of these small objects; this reader builds the
/// same `MessageDelta` straight from the UTF-8 bytes. It is deliberately narrow: it only accepts
/// input on which `JSONDecoder` certainly succeeds with the same value, and gives up (nil) on
/// anything else — a missing or mistyped member, a duplicate member, an escaped key, a number that
/// is not a plain integer, a lone surrogate, non-empty annotations, deep nesting, any syntax error.
/// The caller then decodes with `JSONDecoder`, so results and errors are exactly as before.
struct MessageDeltaFastPath {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The delta in `text`, or nil when `JSONDecoder` must decide.
    static func decode(_ text: String) -> MessageDelta? {
        let result: MessageDelta?? = text.utf8.withContiguousStorageIfAvailable { buffer in
            var reader = MessageDeltaFastPath(bytes: buffer)
            guard let delta = reader.messageDelta() else { return nil }
            reader.skipWhitespace()
            return reader.index == buffer.count ? delta : nil
        }
        return result ?? nil
    }

    /// The delta as JSON text, written directly: what the synthesized `Encodable` conformance
    /// gives (same members, same order), at a fraction of `JSONEncoder`'s cost on the events a
    /// streamed reply consists of. Nil when a part carries annotations; the encoder writes those.
    static func encode(_ delta: MessageDelta) -> String? {
        var json = #"{"id":"#
        WireCoding.appendString(delta.id, to: &json)
        json.append(#","object":"#)
        WireCoding.appendString(delta.object, to: &json)
        json.append(#","delta":{"#)
        if let role = delta.delta.role {
            json.append(#""role":"#)
            WireCoding.appendString(role, to: &json)
            if delta.delta.content != nil { json.append(",") }
        }
        if let content = delta.delta.content {
            json.append(#""content":["#)
            for (position, part) in content.enumerated() {
                json.append(position == 0 ? #"{"index":"# : #",{"index":"#)
                json.append(String(part.index))
                json.append(#","type":"#)
                WireCoding.appendString(part.type, to: &json)
                if let text = part.text {
                    json.append(#","text":{"#)
                    if let value = text.value {
                        json.append(#""value":"#)
                        WireCoding.appendString(value, to: &json)
                        if text.annotations != nil { json.append(",") }
                    }
                    if let annotations = text.annotations {
                        guard annotations.isEmpty else { return nil }
                        json.append(#""annotations":[]"#)
                    }
                    json.append("}")
                }
                json.append("}")
            }
            json.append("]")
        }
        json.append("}}")
        return json
    }

    // MARK: The MessageDelta shape (mirrors the synthesized Decodable conformances)

    private mutating func messageDelta() -> MessageDelta? {
        var id: String?
        var object: String?
        var body: MessageDelta.Body?
        var members = Members.first
        guard take(UInt8(ascii: "{")) else { return nil }
        while let key = nextKey(&members) {
            if key.spells("id") {
                guard id == nil, let value = string() else { return nil }
                id = value
            } else if key.spells("object") {
                guard object == nil, let value = string(usually: .threadMessageDelta) else { return nil }
                object = value
            } else if key.spells("delta") {
                guard body == nil, let value = self.body() else { return nil }
                body = value
            } else {
                guard skipValue(depth: 1) else { return nil }
            }
        }
        guard members == .closed, let id, let object, let body else { return nil }
        return MessageDelta(id: id, object: object, delta: body)
    }

    private mutating func body() -> MessageDelta.Body? {
        var role: String?
        var content: [MessageDelta.ContentDelta]?
        var seenRole = false
        var seenContent = false
        var members = Members.first
        guard take(UInt8(ascii: "{")) else { return nil }
        while let key = nextKey(&members) {
            if key.spells("role") {
                guard !seenRole else { return nil }
                seenRole = true
                if !null() {
                    guard let value = string() else { return nil }
                    role = value
                }
            } else if key.spells("content") {
                guard !seenContent else { return nil }
                seenContent = true
                if !null() {
                    guard let value = contentList() else { return nil }
                    content = value
                }
            } else {
                guard skipValue(depth: 2) else { return nil }
            }
        }
        guard members == .closed else { return nil }
        return MessageDelta.Body(role: role, content: content)
    }

    private mutating func contentList() -> [MessageDelta.ContentDelta]? {
        var list: [MessageDelta.ContentDelta] = []
        var elements = Members.first
        guard take(UInt8(ascii: "[")) else { return nil }
        while nextElement(&elements) {
            guard let part = contentDelta() else { return nil }
            list.append(part)
        }
        return elements == .closed ? list : nil
    }

    private mutating func contentDelta() -> MessageDelta.ContentDelta? {
        var index: Int?
        var type: String?
        var text: MessageDelta.TextDelta?
        var seenText = false
        var members = Members.first
        guard take(UInt8(ascii: "{")) else { return nil }
        while let key = nextKey(&members) {
            if key.spells("index") {
                guard index == nil, let value = integer() else { return nil }
                index = value
            } else if key.spells("type") {
                guard type == nil, let value = string(usually: .text) else { return nil }
                type = value
            } else if key.spells("text") {
                guard !seenText else { return nil }
                seenText = true
                if !null() {
                    guard let value = textDelta() else { return nil }
                    text = value
                }
            } else {
                guard skipValue(depth: 3) else { return nil }
            }
        }
        guard members == .closed, let index, let type else { return nil }
        return MessageDelta.ContentDelta(index: index, type: type, text: text)
    }

    private mutating func textDelta() -> MessageDelta.TextDelta? {
        var value: String?
        var annotations: [JSONValue]?
        var seenValue = false
        var seenAnnotations = false
        var members = Members.first
        guard take(UInt8(ascii: "{")) else { return nil }
        while let key = nextKey(&members) {
            if key.spells("value") {
                guard !seenValue else { return nil }
                seenValue = true
                if !null() {
                    guard let text = string() else { return nil }
                    value = text
                }
            } else if key.spells("annotations") {
                // Only the empty list; citations go through JSONDecoder.
                guard !seenAnnotations else { return nil }
                seenAnnotations = true
                if !null() {
                    guard take(UInt8(ascii: "[")), take(UInt8(ascii: "]")) else { return nil }
                    annotations = []
                }
            } else {
                guard skipValue(depth: 4) else { return nil }
            }
        }
        guard members == .closed else { return nil }
        return MessageDelta.TextDelta(value: value, annotations: annotations)
    }

    // MARK: JSON building blocks; each returns nil/false to give up

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    @inline(__always)
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, UnsafeBufferPointer(rebasing: bytes[index..<index + count]).spells(word) else { return false }
        index += count
        return true
    }

    /// Takes a `null` (then an optional member decodes as nil, as with decodeIfPresent).
    private mutating func null() -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == UInt8(ascii: "n") && literal("null")
    }

    /// Where a walk through an object's members or an array's elements stands.
    private enum Members {
        case first, next, closed, broken
    }

    /// The next member's key, its `:` taken; nil at the closing brace (`.closed`) or on bad syntax
    /// (`.broken`). The opening brace must have been taken. Keys with escapes give up.
    private mutating func nextKey(_ members: inout Members) -> UnsafeBufferPointer<UInt8>? {
        if take(UInt8(ascii: "}")) {
            members = .closed
            return nil
        }
        if members == .next {
            guard take(UInt8(ascii: ",")) else {
                members = .broken
                return nil
            }
        }
        members = .broken
        guard take(Self.quote) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != Self.quote {
            if bytes[index] == Self.backslash || bytes[index] < 0x20 { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let key = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        guard take(UInt8(ascii: ":")) else { return nil }
        members = .next
        return key
    }

    /// True when an array element follows (the caller reads it); false at the closing bracket
    /// (`.closed`) or on bad syntax (`.broken`). The opening bracket must have been taken.
    private mutating func nextElement(_ elements: inout Members) -> Bool {
        if take(UInt8(ascii: "]")) {
            elements = .closed
            return false
        }
        if elements == .next {
            guard take(UInt8(ascii: ",")) else {
                elements = .broken
                return false
            }
        }
        elements = .next
        return true
    }

    /// A plain integer (`0` or `-?[1-9][0-9]*`, at most 18 digits); fractions and exponents give up.
    private mutating func integer() -> Int? {
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let start = index
        var value = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            guard index - start < 18 else { return nil }  // cannot overflow Int
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - start
        guard digits > 0, bytes[start] != UInt8(ascii: "0") || (digits == 1 && !negative) else { return nil }
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return negative ? -value : value
    }

    /// The strings `string(usually:)` recognizes.
    private enum Usual {
        case threadMessageDelta, text

        var utf8: StaticString {
            switch self {
            case .threadMessageDelta: "thread.message.delta"
            case .text: "text"
            }
        }

        var string: String {
            switch self {
            case .threadMessageDelta: "thread.message.delta"
            case .text: "text"
            }
        }
    }

    /// A string value that is nearly always `expected`: then a literal is returned instead of
    /// decoding and allocating a copy of the same text.
    private mutating func string(usually expected: Usual) -> String? {
        skipWhitespace()
        let count = expected.utf8.utf8CodeUnitCount
        if bytes.count - index >= count + 2, bytes[index] == Self.quote, bytes[index + 1 + count] == Self.quote,
            UnsafeBufferPointer(rebasing: bytes[index + 1..<index + 1 + count]).spells(expected.utf8)
        {
            index += count + 2
            return expected.string
        }
        return string()
    }

    /// A string value. The bytes came from a Swift `String`, so they are valid UTF-8.
    private mutating func string() -> String? {
        guard take(Self.quote) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == Self.backslash { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    private mutating func escapedString(from start: Int) -> String? {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case Self.quote:
                return String(decoding: utf8, as: UTF8.self)
            case Self.backslash:
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    UTF8.encode(scalar) { utf8.append($0) }
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                utf8.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair; a lone surrogate gives up.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        switch unit {
        case 0xD800...0xDBFF:
            guard literal("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            return nil
        default:
            return Unicode.Scalar(unit)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Validates and skips a member this client does not read (strict RFC 8259 grammar).
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < 32 else { return false }
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case Self.quote:
            return string() != nil
        case UInt8(ascii: "{"):
            index += 1
            var members = Members.first
            while nextKey(&members) != nil {
                guard skipValue(depth: depth + 1) else { return false }
            }
            return members == .closed
        case UInt8(ascii: "["):
            index += 1
            var elements = Members.first
            while nextElement(&elements) {
                guard skipValue(depth: depth + 1) else { return false }
            }
            return elements == .closed
        case UInt8(ascii: "t"):
            return literal("true")
        case UInt8(ascii: "f"):
            return literal("false")
        case UInt8(ascii: "n"):
            return literal("null")
        default:
            return number()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() -> Bool {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, bytes[integerStart] != UInt8(ascii: "0") || integerDigits == 1 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return true
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
        }
        return index - start
    }
}

extension MessageDelta {
    /// Every member as decoded (the public initializer builds a one-part delta).
    fileprivate init(id: String, object: String, delta: Body) {
        self.id = id
        self.object = object
        self.delta = delta
    }
}
