import AssistantsWire
import Foundation
import FuzzDriver

@testable import ChatCompletionsStream

/// A Chat Completions stream as the backend reads it (SSE, each `data:` a chunk, `[DONE]` at the
/// end) folded by `ChatCompletionsStreamState`: any bytes end in outputs or a skipped chunk,
/// never a trap; every tool call it ends with has a name and JSON-object-or-given arguments.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzChatStream(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    var parser = SSEParser()
    guard let events = try? parser.feed(input) else { return 0 }
    var state = ChatCompletionsStreamState()
    for event in events {
        if event.data == "[DONE]" {
            state.markDone()
            break
        }
        guard let chunk = try? WireCoding.decoder().decode(ChatCompletionChunk.self, from: Data(event.data.utf8)) else {
            continue
        }
        _ = state.apply(chunk)
    }
    for output in state.finish() {
        if case .toolCall(let name, let arguments, _) = output {
            precondition(!name.isEmpty && !arguments.isEmpty, "a tool call without a name or arguments")
        }
    }
    return 0
}

runLibFuzzer(fuzzChatStream)
