import AssistantsWire
import FuzzDriver
import ThreadlineCore

@testable import ResponsesStream

/// A Responses stream as the backend reads it (SSE, each `data:` an event) folded by
/// `ResponsesStreamState`: any bytes give run events, never a trap; once the response settled,
/// later events give nothing, and the text reported equals the deltas handed out.
runLibFuzzer { input in
    guard let events = decodedEvents(input, as: ResponsesStreamEvent.self) else { return }
    var state = ResponsesStreamState()
    var shown = ""
    for case (_, let decoded?) in events {
        let settled = state.isSettled
        let produced = state.apply(decoded)
        precondition(!settled || produced.isEmpty, "events after the response settled were acted on")
        for case .textDelta(let text) in produced { shown += text }
    }
    precondition(shown == state.text, "the text shown differs from the text kept")
}
