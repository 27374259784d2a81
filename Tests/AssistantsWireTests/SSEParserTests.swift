import AssistantsWire
import TestSupport
import Testing

/// Splits `bytes` into consecutive chunks of pseudo-random sizes between 1 and `maxChunk`.
func randomChunks(_ bytes: [UInt8], seed: UInt64, maxChunk: Int) -> [[UInt8]] {
    var generator = SplitMix64(seed: seed)
    var chunks: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + generator.nextSize(upTo: maxChunk))
        chunks.append(Array(bytes[start..<end]))
        start = end
    }
    return chunks
}

/// Feeds every chunk to one parser and returns all events plus the parser's final state.
func parse(_ chunks: [[UInt8]]) -> (events: [ServerSentEvent], parser: SSEParser) {
    var parser = SSEParser()
    var events: [ServerSentEvent] = []
    for chunk in chunks {
        do {
            events += try parser.feed(chunk)
        } catch {
            Issue.record(error)
        }
    }
    return (events, parser)
}

func parse(_ text: String) -> (events: [ServerSentEvent], parser: SSEParser) {
    parse([Array(text.utf8)])
}

func bytewise(_ text: String) -> [[UInt8]] {
    text.utf8.map { [$0] }
}

@Suite("SSEParser")
struct SSEParserTests {
    /// A stream using every feature: BOM, comments, retry, id, all three line endings,
    /// multi-line data, multi-byte characters and the final [DONE].
    static let mixedStream =
        "\u{FEFF}: ping\r\n"
        + "retry: 3000\n"
        + "event: thread.message.delta\n"
        + "id: 1\n"
        + "data: {\"v\":\"안녕하세요\"}\n"
        + "\n"
        + "event: thread.message.delta\r\n"
        + "data: line one\r\n"
        + "data: line two 🌦️👍🏽\r\n"
        + "\r\n"
        + ": keep-alive\r"
        + "id: 2\r"
        + "data: third\r"
        + "\r"
        + "event: done\n"
        + "data: [DONE]\n"
        + "\n"

    static let mixedExpected: [ServerSentEvent] = [
        ServerSentEvent(event: "thread.message.delta", data: "{\"v\":\"안녕하세요\"}", id: "1", retry: 3000),
        ServerSentEvent(event: "thread.message.delta", data: "line one\nline two 🌦️👍🏽", id: "1", retry: 3000),
        ServerSentEvent(event: nil, data: "third", id: "2", retry: 3000),
        ServerSentEvent(event: "done", data: "[DONE]", id: "2", retry: 3000),
    ]

    @Test func wholeStreamGivesExpectedEvents() {
        let (events, parser) = parse(Self.mixedStream)
        #expect(events == Self.mixedExpected)
        #expect(!parser.isInsideEvent)
    }

    @Test func oneBytePerChunkGivesSameEvents() {
        let (events, parser) = parse(bytewise(Self.mixedStream))
        #expect(events == Self.mixedExpected)
        #expect(!parser.isInsideEvent)
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 1234, 0xDEAD_BEEF, 987_654_321, 31337])
    func seededRandomChunkingsGiveSameEvents(seed: UInt64) {
        let bytes = Array(Self.mixedStream.utf8)
        for maxChunk in [2, 3, 5, 8, 16] {
            let chunks = randomChunks(bytes, seed: seed &+ UInt64(maxChunk), maxChunk: maxChunk)
            #expect(chunks.flatMap { $0 } == bytes)
            let (events, parser) = parse(chunks)
            #expect(events == Self.mixedExpected, "seed \(seed), max chunk \(maxChunk)")
            #expect(!parser.isInsideEvent)
        }
    }

    @Test func everyTwoChunkSplitGivesSameEvents() {
        let bytes = Array(Self.mixedStream.utf8)
        for cut in 0...bytes.count {
            let (events, _) = parse([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(events == Self.mixedExpected, "cut at byte \(cut)")
        }
    }

    @Test func emptyChunksChangeNothing() {
        let bytes = Array(Self.mixedStream.utf8)
        var chunks: [[UInt8]] = [[]]
        for byte in bytes {
            chunks.append([byte])
            chunks.append([])
        }
        #expect(parse(chunks).events == Self.mixedExpected)
    }

    @Test func lineFeedEndings() {
        let events = parse("event: a\ndata: 1\n\nevent: b\ndata: 2\n\n").events
        #expect(events == [ServerSentEvent(event: "a", data: "1"), ServerSentEvent(event: "b", data: "2")])
    }

    @Test func carriageReturnLineFeedEndings() {
        let events = parse("event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n").events
        #expect(events == [ServerSentEvent(event: "a", data: "1"), ServerSentEvent(event: "b", data: "2")])
    }

    @Test func carriageReturnEndings() {
        let events = parse("event: a\rdata: 1\r\revent: b\rdata: 2\r\r").events
        #expect(events == [ServerSentEvent(event: "a", data: "1"), ServerSentEvent(event: "b", data: "2")])
    }

    @Test func crlfSplitAcrossChunksIsOneLineEnding() {
        // If the "\n" after a chunk-final "\r" were its own line ending, it would be a blank
        // line and dispatch "a" alone.
        let chunks = [Array("data: a\r".utf8), Array("\ndata: b\r".utf8), Array("\n\r".utf8), Array("\n".utf8)]
        let (events, parser) = parse(chunks)
        #expect(events == [ServerSentEvent(event: nil, data: "a\nb")])
        #expect(!parser.isInsideEvent)
    }

    @Test func crAtChunkEndFollowedByCRIsBlankLine() {
        let chunks = [Array("data: a\r".utf8), Array("\rdata: b\n\n".utf8)]
        #expect(parse(chunks).events == [ServerSentEvent(event: nil, data: "a"), ServerSentEvent(event: nil, data: "b")])
    }

    @Test func emptyChunkBetweenCRAndLFKeepsThemOneLineEnding() {
        let chunks = [Array("data: a\r".utf8), [], Array("\ndata: b\n\n".utf8)]
        #expect(parse(chunks).events == [ServerSentEvent(event: nil, data: "a\nb")])
    }

    @Test func multiLineDataIsJoinedWithNewline() {
        let events = parse("data: first\ndata: second\ndata:\ndata: fourth\n\n").events
        #expect(events == [ServerSentEvent(event: nil, data: "first\nsecond\n\nfourth")])
    }

    @Test func onlyOneLeadingSpaceIsRemovedFromValues() {
        let events = parse("data:no-space\n\ndata:  two-spaces\n\n").events
        #expect(events.map(\.data) == ["no-space", " two-spaces"])
    }

    @Test func commentLinesAreIgnored() {
        let (events, parser) = parse(": ping\n\n: another comment\n\n")
        #expect(events.isEmpty)
        #expect(!parser.isInsideEvent)
        let withData = parse(": ping\ndata: x\n: pong\ndata: y\n\n").events
        #expect(withData == [ServerSentEvent(event: nil, data: "x\ny")])
    }

    @Test func idPersistsUntilChanged() {
        let events = parse("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n").events
        #expect(events.map(\.id) == ["7", "7", "8"])
        #expect(events.map(\.data) == ["a", "b", "c"])
    }

    @Test func idContainingNullIsIgnored() {
        let events = parse("id: 1\ndata: a\n\nid: x\u{0}y\ndata: b\n\n").events
        #expect(events.map(\.id) == ["1", "1"])
    }

    @Test func retryNeedsDigits() {
        let events = parse("retry: 1500\ndata: a\n\nretry: soon\ndata: b\n\nretry: 20\ndata: c\n\n").events
        #expect(events.map(\.retry) == [1500, 1500, 20])
    }

    @Test func eventNameDoesNotCarryOver() {
        let events = parse("event: first\ndata: a\n\ndata: b\n\n").events
        #expect(events == [ServerSentEvent(event: "first", data: "a"), ServerSentEvent(event: nil, data: "b")])
    }

    @Test func unknownFieldsAreIgnored() {
        let events = parse("foo: bar\ndata: a\nbogus\n\n").events
        #expect(events == [ServerSentEvent(event: nil, data: "a")])
    }

    @Test func leadingBOMIsDropped() {
        let events = parse("\u{FEFF}data: a\n\n").events
        #expect(events == [ServerSentEvent(event: nil, data: "a")])
    }

    @Test func leadingBOMSplitAcrossChunksIsDropped() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let rest = Array("event: e\ndata: a\n\n".utf8)
        let expected = [ServerSentEvent(event: "e", data: "a")]
        #expect(parse([[bom[0]], [bom[1]], [bom[2]], rest]).events == expected)
        #expect(parse([[bom[0]], [bom[1], bom[2]] + rest]).events == expected)
        #expect(parse([[bom[0], bom[1]], [bom[2]] + rest]).events == expected)
        #expect(parse([bom, rest]).events == expected)
        #expect(parse([bom + rest.prefix(1), Array(rest.dropFirst())]).events == expected)
    }

    @Test func bomIsOnlyDroppedAtStreamStart() {
        // A BOM at the start of a later line is part of the field name, so that line is unknown.
        let events = parse("data: a\n\n\u{FEFF}data: b\n\ndata: c\n\n").events
        #expect(events.map(\.data) == ["a", "c"])
    }

    @Test func shortFirstChunkWithoutBOMIsKept() {
        let events = parse([Array("d".utf8), Array("ata: x\n\n".utf8)]).events
        #expect(events == [ServerSentEvent(event: nil, data: "x")])
    }

    @Test func multiByteCharactersSplitAtEveryByteBoundary() {
        let text = "한국어 날씨 🌧️ 👩‍👩‍👧 ☔️"
        let bytes = Array("event: thread.message.delta\ndata: \(text)\n\n".utf8)
        let expected = [ServerSentEvent(event: "thread.message.delta", data: text)]
        for cut in 0...bytes.count {
            let events = parse([Array(bytes[..<cut]), Array(bytes[cut...])]).events
            #expect(events == expected, "cut at byte \(cut)")
        }
        for first in stride(from: 0, to: bytes.count, by: 3) {
            for second in stride(from: first, to: bytes.count, by: 5) {
                let chunks = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                #expect(parse(chunks).events == expected, "cuts at \(first) and \(second)")
            }
        }
        #expect(parse(bytes.map { [$0] }).events == expected)
    }

    @Test func doneSentinelIsPlainData() {
        let events = parse("event: done\ndata: [DONE]\n\n").events
        #expect(events == [ServerSentEvent(event: "done", data: "[DONE]")])
        let bare = parse("data: [DONE]\n\n").events
        #expect(bare == [ServerSentEvent(event: nil, data: "[DONE]")])
    }

    @Test func eventWithoutFinalBlankLineIsNotDispatched() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("event: thread.message.delta\ndata: {\"partial\":true}\n".utf8)).isEmpty)
        #expect(parser.isInsideEvent)
        // The blank line completes it.
        let events = try parser.feed(Array("\n".utf8))
        #expect(events == [ServerSentEvent(event: "thread.message.delta", data: "{\"partial\":true}")])
        #expect(!parser.isInsideEvent)
    }

    @Test func unterminatedLineMeansInsideEvent() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: no newline yet".utf8)).isEmpty)
        #expect(parser.isInsideEvent)
        #expect(try parser.feed(Array(" still\n\n".utf8)) == [ServerSentEvent(event: nil, data: "no newline yet still")])
        #expect(!parser.isInsideEvent)
    }

    @Test func freshParserIsNotInsideEvent() throws {
        var parser = SSEParser()
        #expect(!parser.isInsideEvent)
        _ = try parser.feed(Array(": comment only\n".utf8))
        #expect(!parser.isInsideEvent)
    }

    @Test func endlessLineIsRefusedOnceOverTheLimit() throws {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        #expect(try parser.feed(Array("data: ".utf8)).isEmpty)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        var fed = 6
        // Fed without end, the parser refuses as soon as the line passes the limit.
        while true {
            do {
                _ = try parser.feed(chunk)
                fed += chunk.count
                #expect(fed <= 1024)
            } catch {
                #expect(error == SSEParser.LimitExceeded(.line, limit: 1024))
                #expect(error.description == "the server sent a line larger than 1024 bytes")
                break
            }
        }
    }

    @Test func oneHugeLineInOneChunkIsRefused() {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let line = "data: " + String(repeating: "y", count: 5000) + "\n\n"
        #expect(throws: SSEParser.LimitExceeded(.line, limit: 1024)) { try parser.feed(Array(line.utf8)) }
    }

    @Test func eventOfManyLinesIsRefusedOverTheEventLimit() throws {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let line = Array(("data: " + String(repeating: "z", count: 1000) + "\n").utf8)
        for _ in 0..<4 { #expect(try parser.feed(line).isEmpty) }
        #expect(throws: SSEParser.LimitExceeded(.event, limit: 4096)) { try parser.feed(line) }
        #expect(SSEParser.LimitExceeded(.event, limit: 4096).description == "the server sent an event larger than 4096 bytes")
    }

    @Test func eventsUpToTheLimitsPass() throws {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let value = String(repeating: "v", count: 1018)
        let events = try parser.feed(Array(("data: \(value)\r\n\r\n").utf8))
        #expect(events == [ServerSentEvent(event: nil, data: value)])
    }
}
