import ThreadlineCore

/// A conversation's items as the REPL's transcript: messages in order, each function call
/// with the output that answered it. Item types Threadline does not show are left out.
enum ConversationTranscript {
    /// `partialIDs`: assistant messages stored from a cancelled reply.
    static func entries(_ items: [ResponseItem], partialIDs: Set<String>) -> [TranscriptEntry] {
        var outputs: [String: String] = [:]
        for item in items where item.type == "function_call_output" {
            if let callID = item.callID { outputs[callID] = item.outputText }
        }
        return items.compactMap { item in
            switch (item.type, item.role) {
            case ("message", "user"):
                return TranscriptEntry(kind: .user, text: item.text)
            case ("message", "assistant"):
                let partial = item.status == "incomplete" || item.id.map(partialIDs.contains) == true
                return TranscriptEntry(kind: .assistant, text: item.text, isPartial: partial)
            case ("function_call", _):
                let output = item.callID.flatMap { outputs[$0] }
                return TranscriptEntry(kind: .toolCall(name: item.name ?? "?", arguments: item.arguments ?? "", output: output), text: "")
            default:
                return nil
            }
        }
    }
}
