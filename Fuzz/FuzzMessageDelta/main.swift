import Foundation
import FuzzDriver

@testable import AssistantsWire

/// The `thread.message.delta` fast path against `JSONDecoder`: on any text the fast path either
/// declines (nil) or gives exactly what `JSONDecoder` gives.
runLibFuzzer { input in
    let text = String(decoding: input, as: UTF8.self)
    guard let fast = MessageDeltaFastPath.decode(text) else { return }
    let slow = try? WireCoding.decoder().decode(MessageDelta.self, from: Data(text.utf8))
    precondition(slow == fast, "the fast path disagrees with JSONDecoder on \(text.debugDescription)")
}
