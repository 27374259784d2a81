import Testing

@testable import AssistantsWire

@Suite struct ByteMatchingTests {
    @Test func spellsComparesEveryByteAndTheLength() {
        let bytes: [UInt8] = Array("event".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(buffer.spells("event"))
            #expect(!buffer.spells("even"))
            #expect(!buffer.spells("events"))
            #expect(!buffer.spells("evenT"))
            #expect(UnsafeBufferPointer(rebasing: buffer[0..<0]).spells(""))
        }
    }
}
