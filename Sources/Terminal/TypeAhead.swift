/// Keys typed while a reply streamed, turned into the text to prefill the next prompt with.
/// The terminal held them unseen (no echo, no line editing), so they arrive raw: Backspace
/// and Ctrl-U are applied, escape sequences (arrows, paste markers) and other control keys
/// dropped, and Enter kept only between lines: a line typed then and ended with Enter waits
/// at the prompt, it is never sent on its own, and an Enter alone leaves nothing.
enum TypeAhead {
    static func text(fromKeys keys: [UInt8]) -> String {
        var lines: [[UInt8]] = [[]]
        var index = 0
        while index < keys.count {
            let byte = keys[index]
            index += 1
            switch byte {
            case 0x1B:
                index = endOfEscape(in: keys, after: index)
            case 0x0D, 0x0A:
                lines.append([])
            case 0x7F, 0x08:
                removeLastCharacter(&lines[lines.count - 1])
            case 0x15:
                lines[lines.count - 1] = []
            case 0x09:
                lines[lines.count - 1].append(0x20)
            case ..<0x20:
                break
            default:
                lines[lines.count - 1].append(byte)
            }
        }
        let text = lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        return text.allSatisfy(\.isWhitespace) ? "" : text.trimmingNewlines()
    }

    /// Where the escape sequence whose ESC came just before `start` ends: after a CSI's final
    /// byte, an SS3's one letter, or the one key an Alt chord adds.
    private static func endOfEscape(in keys: [UInt8], after start: Int) -> Int {
        guard start < keys.count else { return start }
        switch keys[start] {
        case UInt8(ascii: "["):
            var index = start + 1
            while index < keys.count, !(0x40...0x7E).contains(keys[index]) { index += 1 }
            return min(index + 1, keys.count)
        case UInt8(ascii: "O"):
            return min(start + 2, keys.count)
        default:
            return start + 1
        }
    }

    /// Removes the last UTF-8 encoded character (its continuation bytes and its lead byte).
    private static func removeLastCharacter(_ bytes: inout [UInt8]) {
        while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
    }
}

extension String {
    fileprivate func trimmingNewlines() -> String {
        var characters = Substring(self)
        while characters.first?.isNewline == true { characters = characters.dropFirst() }
        while characters.last?.isNewline == true { characters = characters.dropLast() }
        return String(characters)
    }
}
