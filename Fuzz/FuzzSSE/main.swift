import AssistantsWire
import FuzzDriver

/// The SSE parser and `StreamEvent.decode` on arbitrary bytes. The first byte picks a chunk size:
/// the events (or the limit error) must be the same whether the stream comes whole or in chunks,
/// and decoding any event must only ever throw, never trap.
runLibFuzzer { input in
    guard let first = input.first else { return }
    let chunkSize = Int(first) + 1
    let stream = UnsafeBufferPointer(rebasing: input.dropFirst())
    // Small limits, so inputs of a few kilobytes reach them.
    let whole = parse([stream], maxLine: 512, maxEvent: 2048)
    let chunks = stride(from: 0, to: stream.count, by: chunkSize).map {
        UnsafeBufferPointer(rebasing: stream[$0..<min($0 + chunkSize, stream.count)])
    }
    let chunked = parse(chunks, maxLine: 512, maxEvent: 2048)
    precondition(whole == chunked, "chunking changed the parse: \(whole) vs \(chunked)")
    if case .events(let events, _) = whole {
        for event in events { _ = try? StreamEvent.decode(name: event.event ?? "message", data: event.data) }
    }
}

private enum Parse: Equatable {
    case events([ServerSentEvent], insideEvent: Bool)
    case limit(SSEParser.LimitExceeded)
}

private func parse(_ chunks: [UnsafeBufferPointer<UInt8>], maxLine: Int, maxEvent: Int) -> Parse {
    var parser = SSEParser(maxLineBytes: maxLine, maxEventBytes: maxEvent)
    var events: [ServerSentEvent] = []
    do {
        for chunk in chunks { events += try parser.feed(chunk) }
    } catch {
        return .limit(error)
    }
    return .events(events, insideEvent: parser.isInsideEvent)
}
