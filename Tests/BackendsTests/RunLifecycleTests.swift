import AssistantsWire
import Synchronization
import Testing

@testable import Backends

/// The run state machine alone: no database, no stream, no model. Ids count up and the clock is
/// set by hand, so every transition's writes and events can be compared exactly.
@Suite struct RunLifecycleTests {
    final class Clock: Sendable {
        let seconds = Mutex(1_000)
        /// Milliseconds past `seconds`, for text flushes.
        let millis = Mutex(0)
        let serial = Mutex(0)
    }

    let clock = Clock()
    var environment: RunEnvironment {
        let clock = clock
        return RunEnvironment(
            now: { clock.seconds.withLock { $0 } },
            nowMillis: { Int64(clock.seconds.withLock { $0 }) * 1000 + Int64(clock.millis.withLock { $0 }) },
            makeID: { prefix in
                clock.serial.withLock {
                    $0 += 1
                    return "\(prefix)_\($0)"
                }
            },
            expirySeconds: 60)
    }
    let assistant = Assistant(
        id: "asst_1", createdAt: 1, model: "gpt-4o", instructions: "Be brief.",
        tools: [ToolDefinition(function: FunctionDefinition(name: "get_rain_probability", description: nil, parameters: nil))])

    func created(_ request: RunRequest? = nil) -> (RunLifecycle, RunLifecycle.Transition) {
        RunLifecycle.create(
            threadID: "thread_1", assistant: assistant, request: request ?? RunRequest(assistantID: assistant.id),
            environment: environment)
    }

    /// A run that asked for two tools and waits for their outputs.
    func waiting() -> RunLifecycle {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        _ = lifecycle.receive(.toolCall(name: "get_rain_probability", arguments: #"{"location":"부산"}"#))
        _ = lifecycle.receive(.toolCall(name: "get_rain_probability", arguments: #"{"location":"서울"}"#))
        _ = lifecycle.modelFinished()
        return lifecycle
    }

    @Test func aNewRunIsInsertedQueuedWithMergedInstructions() {
        let (lifecycle, transition) = created(RunRequest(assistantID: "asst_1", additionalInstructions: "In Korean."))
        #expect(lifecycle.run.status == .queued)
        #expect(lifecycle.run.instructions == "Be brief.\n\nIn Korean.")
        #expect(lifecycle.run.expiresAt == 1_060)
        #expect(transition.changes.runs == [lifecycle.run])
        #expect(transition.changes.expectation == nil, "an insert expects nothing")
        #expect(transition.events.map(\.name) == ["thread.run.created", "thread.run.queued"])
        #expect(transition.next == .start)
    }

    @Test func streamedTextOpensOneReplyAndCompletesIt() {
        var (lifecycle, _) = created()
        let started = lifecycle.start()
        #expect(started.changes.expectation == RunExpectation(runID: lifecycle.run.id, status: .queued))
        #expect(started.next == .callModel)

        let first = lifecycle.receive(.textDelta("부산은 "))
        #expect(first.changes.messages.map(\.status) == [.inProgress])
        #expect(first.changes.steps.map(\.status) == [.inProgress])
        #expect(first.changes.expectation?.status == .inProgress)
        #expect(first.events.last == .messageDelta(MessageDelta(messageID: first.changes.messages[0].id, text: "부산은 ")))
        let second = lifecycle.receive(.textDelta("14°C"))
        #expect(second.changes.isEmpty, "later pieces write nothing")
        #expect(second.events.map(\.name) == ["thread.message.delta"])

        _ = lifecycle.receive(.usage(Usage(promptTokens: 10, completionTokens: 3)))
        let finished = lifecycle.modelFinished()
        #expect(finished.next == .end)
        #expect(finished.changes.messages.map(\.text) == ["부산은 14°C"])
        #expect(finished.changes.messages.map(\.status) == [.completed])
        #expect(finished.changes.steps.map(\.status) == [.completed])
        #expect(finished.changes.runs.map(\.status) == [.completed])
        #expect(finished.changes.runs.first?.usage?.completionTokens == 3)
        #expect(
            finished.events.map(\.name) == [
                "thread.message.completed", "thread.run.step.completed", "thread.run.completed",
            ])
    }

    @Test func toolCallsMakeTheRunWaitUntilItsExpiry() {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        _ = lifecycle.receive(.toolCall(name: "get_rain_probability", arguments: "{}"))
        let finished = lifecycle.modelFinished()
        #expect(finished.next == .awaitToolOutputs(expiresAt: 1_060))
        #expect(lifecycle.run.status == .requiresAction)
        #expect(lifecycle.run.requiredAction?.submitToolOutputs.toolCalls.map(\.function.name) == ["get_rain_probability"])
        #expect(finished.changes.steps.map(\.type) == ["tool_calls"])
        #expect(
            finished.events.map(\.name) == [
                "thread.run.step.created", "thread.run.step.in_progress", "thread.run.step.delta",
                "thread.run.requires_action",
            ])
    }

    @Test func theModelsCallIDsAreKeptUnlessMissingOrRepeated() {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        for id in ["abcDEF123", nil, "abcDEF123", ""] as [String?] {
            _ = lifecycle.receive(.toolCall(name: "get_rain_probability", arguments: "{}", id: id))
        }
        _ = lifecycle.modelFinished()
        let ids = lifecycle.run.requiredAction?.submitToolOutputs.toolCalls.map(\.id) ?? []
        #expect(ids.count == 4 && Set(ids).count == 4)
        #expect(ids.first == "abcDEF123")
        #expect(ids.dropFirst().allSatisfy { $0.hasPrefix("call_") })
    }

    @Test func outputsForEveryCallQueueTheRunAgain() throws {
        var lifecycle = waiting()
        let calls = lifecycle.run.requiredAction?.submitToolOutputs.toolCalls ?? []
        let submitted = try lifecycle.submit(calls.map { ToolOutput(toolCallID: $0.id, output: "0.25") })
        #expect(submitted.next == .start)
        #expect(submitted.changes.expectation?.status == .requiresAction)
        #expect(lifecycle.run.status == .queued)
        #expect(lifecycle.run.requiredAction == nil)
        #expect(submitted.changes.steps.first?.stepDetails.toolCalls?.map(\.function.output) == ["0.25", "0.25"])
        #expect(submitted.events.map(\.name) == ["thread.run.step.completed", "thread.run.queued"])
    }

    @Test func partialOrUnknownOutputsAreRefusedAndChangeNothing() {
        let lifecycle = waiting()
        let calls = lifecycle.run.requiredAction?.submitToolOutputs.toolCalls ?? []
        for outputs in [
            [ToolOutput(toolCallID: calls[0].id, output: "1")],
            calls.map { ToolOutput(toolCallID: $0.id, output: "1") } + [ToolOutput(toolCallID: "call_x", output: "1")],
            [ToolOutput(toolCallID: calls[0].id, output: "1"), ToolOutput(toolCallID: calls[0].id, output: "2")],
        ] {
            var attempt = lifecycle
            #expect(throws: EngineError.self) { try attempt.submit(outputs) }
            #expect(attempt.run == lifecycle.run)
        }
    }

    @Test func cancellingMidReplyKeepsThePartialTextAndEndsEverythingOpen() throws {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        _ = lifecycle.receive(.textDelta("고객님, 부산은"))
        let cancelledTransition = lifecycle.cancel()
        let cancelled = try #require(cancelledTransition)
        #expect(cancelled.next == .end)
        #expect(cancelled.changes.messages.map(\.text) == ["고객님, 부산은"])
        #expect(cancelled.changes.messages.first?.incompleteDetails?.reason == "run_cancelled")
        #expect(cancelled.changes.steps.map(\.status) == [.cancelled])
        #expect(cancelled.changes.runs.map(\.status) == [.cancelled])
        #expect(cancelled.events.last?.name == "thread.run.cancelled")
        #expect(lifecycle.cancel() == nil, "an ended run cannot be cancelled again")
        #expect(lifecycle.fail("late") == nil)
    }

    @Test func aStoredRunLeftInProgressIsEndedWithItsOrphanedMessage() throws {
        // As another process left it: a reply message and its step still in progress.
        var run = Run(
            id: "run_9", createdAt: 1, threadID: "thread_1", assistantID: "asst_1", status: .inProgress, model: "m",
            instructions: nil, tools: [], expiresAt: 990)
        run.startedAt = 1
        let message = Message(id: "msg_9", createdAt: 1, threadID: "thread_1", status: .inProgress, role: "assistant", text: "")
        let step = RunStep(
            id: "step_9", createdAt: 1, runID: "run_9", assistantID: "asst_1", threadID: "thread_1", status: .inProgress,
            details: .messageCreation(messageID: "msg_9"))
        var lifecycle = RunLifecycle(RunSnapshot(run: run, steps: [step], messages: [message]), environment: environment)
        let expiredTransition = lifecycle.expireIfDue()
        let expired = try #require(expiredTransition)
        #expect(expired.changes.expectation == RunExpectation(runID: "run_9", status: .inProgress))
        #expect(expired.changes.runs.map(\.status) == [.expired])
        #expect(expired.changes.messages.map(\.status) == [.incomplete])
        #expect(expired.changes.messages.first?.incompleteDetails?.reason == "run_expired")
        #expect(expired.changes.steps.map(\.status) == [.expired])
    }

    @Test func streamingTextIsWrittenEveryFlushIntervalSoACrashKeepsIt() throws {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        let opened = lifecycle.receive(.textDelta("부산은 "))
        #expect(opened.changes.messages.map(\.text) == ["부산은 "], "the first piece goes in with the message")
        clock.millis.withLock { $0 = 249 }
        #expect(lifecycle.receive(.textDelta("맑고")).changes.isEmpty, "not due before the interval")
        clock.millis.withLock { $0 = 250 }
        let flushed = lifecycle.receive(.textDelta(" 14°C"))
        #expect(flushed.changes.messages.map(\.text) == ["부산은 맑고 14°C"])
        #expect(flushed.changes.messages.map(\.status) == [.inProgress])
        #expect(flushed.changes.expectation == RunExpectation(runID: lifecycle.run.id, status: .inProgress))
        #expect(flushed.changes.runs.isEmpty && flushed.changes.steps.isEmpty)
        #expect(flushed.events.map(\.name) == ["thread.message.delta"], "a flush sends nothing new")
        // A quiet model: the engine's heartbeat asks; nothing new since the flush, nothing due.
        clock.millis.withLock { $0 = 900 }
        #expect(lifecycle.flushIfDue() == nil)

        // The process dies here; whoever finds the run fails it from what was written.
        let stored = RunSnapshot(run: lifecycle.run, steps: [], messages: flushed.changes.messages)
        var orphan = RunLifecycle(stored, environment: environment)
        let failedTransition = orphan.fail("the process running it stopped")
        let failed = try #require(failedTransition)
        #expect(failed.changes.messages.map(\.text) == ["부산은 맑고 14°C"])
        #expect(failed.changes.messages.map(\.status) == [.incomplete])
        #expect(failed.changes.runs.first?.lastError == RunError(code: "server_error", message: "the process running it stopped"))
    }

    @Test func expiryWaitsForTheDeadline() {
        var lifecycle = waiting()
        clock.seconds.withLock { $0 = 1_059 }
        #expect(lifecycle.expireIfDue() == nil)
        clock.seconds.withLock { $0 = 1_060 }
        #expect(lifecycle.expireIfDue()?.changes.steps.map(\.status) == [.expired])
        #expect(lifecycle.run.status == .expired)
    }

    @Test func aFailureKeepsTheTextAndNamesTheError() throws {
        var (lifecycle, _) = created()
        _ = lifecycle.start()
        _ = lifecycle.receive(.textDelta("partial"))
        let failedTransition = lifecycle.fail("model went away")
        let failed = try #require(failedTransition)
        #expect(failed.changes.runs.first?.lastError == RunError(code: "server_error", message: "model went away"))
        #expect(failed.changes.messages.first?.incompleteDetails?.reason == "run_failed")
        #expect(failed.events.map(\.name).last == "thread.run.failed")
    }

    @Test func theModelSeesCompletedToolStepsAndNoToolsUnderToolChoiceNone() {
        var (lifecycle, _) = created(RunRequest(assistantID: "asst_1", toolChoice: .string("none")))
        _ = lifecycle.start()
        let call = ToolCall(id: "call_1", name: "get_rain_probability", arguments: "{}")
        var answered = call
        answered.function.output = "0.25"
        let open = RunStep(
            id: "s1", createdAt: 1, runID: "r", assistantID: "a", threadID: "t", status: .inProgress, details: .toolCalls([call]))
        var done = open
        done.status = .completed
        done.stepDetails = .toolCalls([answered])
        let request = lifecycle.modelRequest(timeline: [
            .message(TimelineMessage(role: "user", text: "비 와요?", status: .completed)),
            .step(open), .step(done),
            .message(TimelineMessage(role: "assistant", text: "", status: .completed)),
        ])
        #expect(request.turns == [.user("비 와요?"), .toolCalls([answered])])
        #expect(request.tools.isEmpty)
        #expect(request.instructions == "Be brief.")
    }
}
