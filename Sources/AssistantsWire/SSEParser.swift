import Foundation

/// One server-sent event as dispatched by `SSEParser`.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public var id: String?
    public var retry: Int?

    public init(event: String?, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// Incremental text/event-stream parser fed with network chunks of any size.
///
/// Lines are decoded only once complete, so a multi-byte character or an event split across
/// chunks is reassembled; `\n`, `\r\n` and `\r` end lines, a leading BOM is dropped. A line
/// or an event larger than its limit stops the parse with `SSEParser.LimitExceeded` before more
/// than the limit is buffered, so a hostile server cannot grow the client without bound.
public struct SSEParser: Sendable {
    /// A line or event over the parser's limits; the stream cannot be parsed further.
    public struct LimitExceeded: Error, Equatable, CustomStringConvertible {
        /// What grew too large.
        public enum Part: String, Sendable {
            case line = "a line"
            case event = "an event"
        }

        public var part: Part
        public var limit: Int

        public init(_ part: Part, limit: Int) {
            self.part = part
            self.limit = limit
        }

        public var description: String { "the server sent \(part.rawValue) larger than \(limit) bytes" }
    }

    /// The default largest line: 1 MiB.
    public static let defaultMaxLineBytes = 1 << 20
    /// The default largest event (its data lines together): 4 MiB.
    public static let defaultMaxEventBytes = 4 << 20

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let colon: UInt8 = 0x3A
    private static let space: UInt8 = 0x20

    private var partialLine: [UInt8] = []
    private var previousChunkEndedWithCR = false
    private var streamStart: [UInt8]? = []
    private var eventName: String?
    private var data: String?
    private var lastEventID: String?
    private var recentEventName: String?
    private var retry: Int?
    private let maxLineBytes: Int
    private let maxEventBytes: Int

    /// A parser refusing lines over `maxLineBytes` and events over `maxEventBytes`.
    public init(maxLineBytes: Int = defaultMaxLineBytes, maxEventBytes: Int = defaultMaxEventBytes) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Parses `chunk` and returns the events it completes.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(LimitExceeded) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if var start = streamStart {
            start.append(contentsOf: chunk)
            if start.count < Self.bom.count, Self.bom.starts(with: start) {
                streamStart = start
                return []
            }
            streamStart = nil
            if start.starts(with: Self.bom) { start.removeFirst(Self.bom.count) }
            try start.withUnsafeBufferPointer { buffer throws(LimitExceeded) in try scan(buffer, into: &events) }
            return events
        }
        let handled: Result<Void, LimitExceeded>? = chunk.withContiguousStorageIfAvailable { buffer in
            Result { () throws(LimitExceeded) in try scan(buffer, into: &events) }
        }
        if let handled {
            try handled.get()
        } else {
            try Array(chunk).withUnsafeBufferPointer { buffer throws(LimitExceeded) in try scan(buffer, into: &events) }
        }
        return events
    }

    /// True when the bytes so far end inside an event: at end of stream that event is dropped,
    /// as the SSE specification says, and a client should report the stream as cut.
    public var isInsideEvent: Bool {
        !partialLine.isEmpty || data != nil || eventName != nil
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) throws(LimitExceeded) {
        // An empty chunk must not forget that the previous one ended with "\r".
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var lineStart = 0
        if previousChunkEndedWithCR, bytes[0] == Self.lineFeed {
            lineStart = 1
        }
        previousChunkEndedWithCR = false
        let count = bytes.count
        // Line ends are found with memchr, far faster than a loop over every byte. The next "\n" and
        // the next "\r" are remembered until passed, so each byte is searched at most once for each.
        func next(_ byte: UInt8, from start: Int) -> Int {
            guard start < count, let found = memchr(base + start, Int32(byte), count - start) else { return count }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
        var nextLineFeed = -1
        var nextCarriageReturn = -1
        while lineStart < count {
            if nextLineFeed < lineStart { nextLineFeed = next(Self.lineFeed, from: lineStart) }
            if nextCarriageReturn < lineStart { nextCarriageReturn = next(Self.carriageReturn, from: lineStart) }
            let lineEnd = Swift.min(nextLineFeed, nextCarriageReturn)
            guard lineEnd < count else { break }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            try checkLine(partialLine.count + line.count)
            if partialLine.isEmpty {
                try process(line: line, into: &events)
            } else {
                partialLine.append(contentsOf: line)
                let joined = partialLine
                partialLine.removeAll(keepingCapacity: true)
                try joined.withUnsafeBufferPointer { line throws(LimitExceeded) in try process(line: line, into: &events) }
            }
            var index = lineEnd + 1
            if bytes[lineEnd] == Self.carriageReturn {
                if index == count {
                    previousChunkEndedWithCR = true
                } else if bytes[index] == Self.lineFeed {
                    index += 1
                }
            }
            lineStart = index
        }
        if lineStart < count {
            try checkLine(partialLine.count + count - lineStart)
            partialLine.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lineStart..<count]))
        }
    }

    private func checkLine(_ length: Int) throws(LimitExceeded) {
        if length > maxLineBytes { throw LimitExceeded(.line, limit: maxLineBytes) }
    }

    private mutating func process(line: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) throws(LimitExceeded) {
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == Self.colon { return }
        let fieldEnd = line.firstIndex(of: Self.colon) ?? line.count
        var valueStart = Swift.min(fieldEnd + 1, line.count)
        if valueStart < line.count, line[valueStart] == Self.space { valueStart += 1 }
        let field = UnsafeBufferPointer(rebasing: line[0..<fieldEnd])
        let valueBytes = UnsafeBufferPointer(rebasing: line[valueStart...])
        func value() -> String { String(decoding: valueBytes, as: UTF8.self) }
        if field.spells("data") {
            if (data.map { $0.utf8.count + 1 } ?? 0) + valueBytes.count > maxEventBytes {
                throw LimitExceeded(.event, limit: maxEventBytes)
            }
            if let existing = data {
                data = existing + "\n" + value()
            } else {
                data = value()
            }
        } else if field.spells("event") {
            eventName = recentEventName(valueBytes) ?? value()
            recentEventName = eventName
        } else if field.spells("id") {
            let value = value()
            if !value.contains("\0") { lastEventID = value }
        } else if field.spells("retry") {
            if let milliseconds = Int(value()), milliseconds >= 0 { retry = milliseconds }
        }
    }

    /// The previous event name when `bytes` spell it: a stream repeats a few names thousands of
    /// times, and reusing the string saves decoding and allocating it for every event.
    private func recentEventName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard var name = recentEventName, name.utf8.count == bytes.count else { return nil }
        return name.withUTF8 { $0.hasSameBytes(as: bytes) } ? name : nil
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventName = nil
            data = nil
        }
        guard data != nil else { return }  // an event with no data line is not dispatched (SSE spec)
        if events.isEmpty { events.reserveCapacity(8) }  // one allocation for a chunk's usual events
        events.append(ServerSentEvent(event: eventName, data: data ?? "", id: lastEventID, retry: retry))
    }
}
