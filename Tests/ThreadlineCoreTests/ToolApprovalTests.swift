import Foundation
import TestSupport
import Testing
import ThreadlineCore

/// Answers from a script, recording what it was asked.
private struct ScriptedApprover: ToolApprover {
    let verdicts: [String: ApprovalVerdict]
    let asked = Log<String>()

    func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict] {
        calls.map { call in
            asked.append(call.id)
            return verdicts[call.id] ?? .decline
        }
    }
}

@Suite("Tool approval")
struct ToolApprovalTests {
    static let act = ClosureTool("act", approval: .ask) { arguments in "acted:\(arguments["location"]?.stringValue ?? "?")" }

    private func turn(_ calls: [ToolCallRequest], approver: (any ToolApprover)?) async throws -> (TurnSummary, [ToolCallOutput]) {
        let backend = ScriptedBackend(events: [
            [.started(runID: "run_1"), .toolCallsRequired(calls)], [.textDelta("done"), .finished(.completed)],
        ])
        let driver = RunDriver(
            backend: backend, toolRunner: ToolRunner(registry: ToolRegistry([RunDriverTests.echo, Self.act]), timeout: .seconds(10)),
            approver: approver)
        let summary = try await driver.runTurn(threadID: "thread_a", options: RunOptions()) { _ in }
        return (summary, await backend.submissions.first?.outputs ?? [])
    }

    @Test func onlyCallsToAskingToolsAreReviewedAndDeclinedOnesGetTheDeclinedOutput() async throws {
        let calls = [
            call("c1", "echo", #"{"location":"Seoul"}"#), call("c2", "act", #"{"location":"Busan"}"#),
            call("c3", "act", #"{"location":"Jeju"}"#),
        ]
        let approver = ScriptedApprover(verdicts: ["c2": .run(arguments: #"{"location":"Incheon"}"#)])
        let (summary, outputs) = try await turn(calls, approver: approver)
        #expect(approver.asked.entries == ["c2", "c3"])
        #expect(outputs.map(\.toolCallID) == ["c1", "c2", "c3"])
        #expect(outputs.map(\.output) == ["echo:Seoul", "acted:Incheon", #"{"error":"the user declined this call"}"#])
        #expect(summary.toolResults.map(\.isError) == [false, false, true])
    }

    @Test func withoutAnApproverEveryCallRuns() async throws {
        let (_, outputs) = try await turn([call("c1", "act", #"{"location":"Busan"}"#)], approver: nil)
        #expect(outputs.map(\.output) == ["acted:Busan"])
    }

    @Test func approveAllRunsAskingTools() async throws {
        let (_, outputs) = try await turn([call("c1", "act", #"{"location":"Busan"}"#)], approver: ApproveAll())
        #expect(outputs.map(\.output) == ["acted:Busan"])
    }
}
