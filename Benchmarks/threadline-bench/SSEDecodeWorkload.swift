import AssistantsWire
import Foundation

/// The `sse-decode` case's stream, the work it times, and the independent count it is checked
/// against.
enum SSEDecodeWorkload {
    /// What a decoding pass saw: events, code points of message-delta text, and an
    /// order-sensitive hash of that text so a parser that garbles bytes cannot pass on counts alone.
    struct Tally: Equatable {
        var events = 0
        var characters = 0
        var textHash: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func addText(_ text: String) {
            for scalar in text.unicodeScalars {
                characters += 1
                textHash = (textHash ^ UInt64(scalar.value)) &* 0x100_0000_01b3
            }
        }
    }

    /// About `targetBytes` of `thread.message.delta` events, each with one text part (`"토큰<n> "`,
    /// so every event carries multi-byte UTF-8), then `event: done` / `data: [DONE]`: the shape of
    /// a streamed Assistants v2 reply, where message deltas dominate. Both clients decode these bytes.
    static func makeStream(targetBytes: Int) -> [UInt8] {
        var stream: [UInt8] = []
        stream.reserveCapacity(targetBytes + 256)
        var index = 0
        while stream.count < targetBytes {
            let data =
                #"{"id": "msg_abc123", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "#
                + #""type": "text", "text": {"value": "토큰\#(index) ", "annotations": []}}]}}"#
            stream.append(contentsOf: "event: thread.message.delta\ndata: \(data)\n\n".utf8)
            index += 1
        }
        stream.append(contentsOf: "event: done\ndata: [DONE]\n\n".utf8)
        return stream
    }

    /// The production path, timed: SSEParser fed in chunks, every event through StreamEvent.decode.
    /// Characters are counted in Unicode code points, as Python's `len` counts them, part by part
    /// (`MessageDelta.text` would join the parts first).
    static func decode(_ stream: [UInt8], chunkSize: Int) throws -> Tally {
        var parser = SSEParser()
        var tally = Tally()
        var start = 0
        while start < stream.count {
            let end = min(start + chunkSize, stream.count)
            for event in try parser.feed(stream[start..<end]) {
                tally.events += 1
                let decoded = try StreamEvent.decode(name: event.event ?? "message", data: event.data)
                if case .messageDelta(let delta) = decoded {
                    for part in delta.delta.content ?? [] {
                        if let value = part.text?.value { tally.addText(value) }
                    }
                }
            }
            start = end
        }
        if parser.isInsideEvent { throw BenchFailure("the parser still holds an unfinished event at end of stream") }
        return tally
    }

    /// The same counts by a deliberately different route: the whole buffer split into lines at once,
    /// the JSON read with JSONSerialization. Not timed.
    static func referenceTally(_ stream: [UInt8]) throws -> Tally {
        var tally = Tally()
        var name: String?
        var dataLines: [String] = []
        func finishEvent() throws {
            defer {
                name = nil
                dataLines = []
            }
            guard !dataLines.isEmpty else { return }
            tally.events += 1
            guard name == "thread.message.delta" else { return }
            let object = try JSONSerialization.jsonObject(with: Data(dataLines.joined(separator: "\n").utf8))
            guard
                let delta = (object as? [String: Any])?["delta"] as? [String: Any],
                let parts = delta["content"] as? [[String: Any]]
            else { throw BenchFailure("reference count: a delta event without content") }
            for part in parts {
                if let value = (part["text"] as? [String: Any])?["value"] as? String { tally.addText(value) }
            }
        }
        for rawLine in stream.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = String(decoding: rawLine.last == 0x0D ? rawLine.dropLast() : rawLine, as: UTF8.self)
            if line.isEmpty {
                try finishEvent()
            } else if line.hasPrefix("event:") {
                name = String(line.dropFirst("event:".count).drop { $0 == " " })
            } else if line.hasPrefix("data:") {
                let value = line.dropFirst("data:".count)
                dataLines.append(String(value.first == " " ? value.dropFirst() : value))
            }
        }
        return tally
    }
}
