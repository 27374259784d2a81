import AssistantsWire
import Testing
import ThreadlineCore

@testable import Backends

@Suite struct AssistantsTranscriptTests {
    private func message(_ id: String, _ role: String, _ text: String, at time: Int, run: String? = nil) -> Message {
        var message = Message(id: id, createdAt: time, threadID: "t", status: "completed", role: role, text: text)
        message.runID = run
        return message
    }

    private func run(_ id: String, at time: Int) -> Run {
        Run(
            id: id, createdAt: time, threadID: "t", assistantID: "a", status: .completed, model: "m", instructions: nil,
            tools: [], expiresAt: nil)
    }

    private func toolStep(_ run: String, at time: Int, _ name: String) -> RunStep {
        RunStep(
            id: "step_\(run)_\(name)", createdAt: time, runID: run, assistantID: "a", threadID: "t", status: "completed",
            details: .toolCalls([ToolCall(id: "call_\(name)", name: name, arguments: "{}", output: "out")]))
    }

    private func call(_ name: String) -> TranscriptEntry {
        TranscriptEntry(kind: .toolCall(name: name, arguments: "{}", output: "out"), text: "")
    }

    @Test func callsComeBeforeTheReplyOfTheirRun() {
        let transcript = AssistantsTranscript(
            messages: [message("m1", "user", "q", at: 10), message("m2", "assistant", "a", at: 12, run: "r1")],
            runs: [run("r1", at: 11)], steps: [toolStep("r1", at: 11, "f"), toolStep("r1", at: 11, "g")])
        #expect(
            transcript.entries == [
                TranscriptEntry(kind: .user, text: "q"), call("f"), call("g"), TranscriptEntry(kind: .assistant, text: "a"),
            ])
    }

    @Test func aRunThatWroteNothingStaysBeforeTheNextQuestion() {
        let transcript = AssistantsTranscript(
            messages: [message("m1", "user", "q1", at: 10), message("m2", "user", "q2", at: 30)],
            runs: [run("r1", at: 11), run("r2", at: 31)], steps: [toolStep("r1", at: 12, "f"), toolStep("r2", at: 32, "g")])
        #expect(
            transcript.entries == [
                TranscriptEntry(kind: .user, text: "q1"), call("f"), TranscriptEntry(kind: .user, text: "q2"), call("g"),
            ])
    }
}
