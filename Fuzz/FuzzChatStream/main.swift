import AssistantsWire
import FuzzDriver

@testable import ChatCompletionsStream

/// A Chat Completions stream as the backend reads it (SSE, each `data:` a chunk, `[DONE]` at the
/// end) folded by `ChatCompletionsStreamState`: any bytes end in outputs or a skipped chunk,
/// never a trap; every tool call it ends with has a name and JSON-object-or-given arguments.
runLibFuzzer { input in
    guard let events = decodedEvents(input, as: ChatCompletionChunk.self) else { return }
    var state = ChatCompletionsStreamState()
    for (event, chunk) in events {
        if event.data == "[DONE]" {
            state.markDone()
            break
        }
        if let chunk { _ = state.apply(chunk) }
    }
    for output in state.finish() {
        if case .toolCall(let name, let arguments, _) = output {
            precondition(!name.isEmpty && !arguments.isEmpty, "a tool call without a name or arguments")
        }
    }
}
