import Foundation

extension UnsafeBufferPointer<UInt8> {
    /// True when both hold the same bytes (`elementsEqual` over a `String.UTF8View` is far slower).
    func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard let start = baseAddress, let otherStart = other.baseAddress else { return true }
        return memcmp(start, otherStart, count) == 0
    }

    /// True when these bytes are exactly the UTF-8 of `word`.
    func spells(_ word: StaticString) -> Bool {
        hasSameBytes(as: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }
}
