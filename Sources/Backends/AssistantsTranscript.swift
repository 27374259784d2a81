import AssistantsWire
import ThreadlineCore

/// A remote thread as the REPL shows it: its messages, with each run's tool calls (and their
/// outputs) placed before that run's reply, as the local engine's timeline has them.
struct AssistantsTranscript {
    let entries: [TranscriptEntry]

    init(messages: [Message], runs: [Run], steps: [RunStep]) {
        var callsByRun: [String: [ToolCall]] = [:]
        for step in steps.sorted(by: { $0.createdAt < $1.createdAt }) where step.type == "tool_calls" {
            callsByRun[step.runID, default: []] += step.stepDetails.toolCalls ?? []
        }
        // Runs that wrote no message (cancelled or expired while waiting for outputs) go before
        // the first user message that came after them.
        var silentRuns = runs.filter { run in callsByRun[run.id] != nil && !messages.contains { $0.runID == run.id } }
        var entries: [TranscriptEntry] = []
        func emitCalls(of runID: String) {
            entries += (callsByRun.removeValue(forKey: runID) ?? []).map {
                TranscriptEntry(
                    kind: .toolCall(name: $0.function.name, arguments: $0.function.arguments, output: $0.function.output), text: "")
            }
        }
        for message in messages {
            if message.role == "user" {
                while let run = silentRuns.first, run.createdAt < message.createdAt {
                    emitCalls(of: run.id)
                    silentRuns.removeFirst()
                }
            } else if let runID = message.runID {
                emitCalls(of: runID)
            }
            entries.append(
                TranscriptEntry(
                    kind: message.role == "user" ? .user : .assistant, text: message.text, isPartial: message.status == .incomplete))
        }
        silentRuns.forEach { emitCalls(of: $0.id) }
        self.entries = entries
    }
}
