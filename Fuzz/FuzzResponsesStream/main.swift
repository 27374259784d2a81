import AssistantsWire
import Foundation
import FuzzDriver
import ThreadlineCore

@testable import ResponsesStream

/// A Responses stream as the backend reads it (SSE, each `data:` an event) folded by
/// `ResponsesStreamState`: any bytes give run events, never a trap; once the response settled,
/// later events give nothing, and the text reported equals the deltas handed out.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzResponsesStream(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    var parser = SSEParser()
    guard let events = try? parser.feed(input) else { return 0 }
    var state = ResponsesStreamState()
    var shown = ""
    for event in events {
        guard let decoded = try? WireCoding.decoder().decode(ResponsesStreamEvent.self, from: Data(event.data.utf8)) else {
            continue
        }
        let settled = state.isSettled
        let produced = state.apply(decoded)
        precondition(!settled || produced.isEmpty, "events after the response settled were acted on")
        for case .textDelta(let text) in produced { shown += text }
    }
    precondition(shown == state.text, "the text shown differs from the text kept")
    return 0
}

runLibFuzzer(fuzzResponsesStream)
