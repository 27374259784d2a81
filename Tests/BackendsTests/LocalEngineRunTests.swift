import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

@Suite("LocalEngine run lifecycle", .timeLimit(.minutes(1)))
struct LocalEngineRunTests {
    let fixture = EngineFixture()

    @Test func seedQuestionStreamsUntilTwoParallelToolCalls() async throws {
        let engine = try fixture.open()
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        let events = try await collect(engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        let names = events.map(\.name)

        #expect(Array(names.prefix(3)) == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"])
        #expect(names.last == "thread.run.requires_action")
        #expect(names.filter { $0 == "thread.run.requires_action" }.count == 1)
        #expect(!names.contains("thread.message.delta"))
        #expect(!names.contains("thread.message.created"))
        let stepCreated = try #require(index(of: "thread.run.step.created", in: events))
        let stepInProgress = try #require(index(of: "thread.run.step.in_progress", in: events))
        #expect(2 < stepCreated && stepCreated < stepInProgress)
        #expect(names.filter { $0 == "thread.run.step.delta" }.count == 2)

        guard case .run(_, let run)? = events.last else { throw EngineError.invalidRequest("no run") }
        #expect(run.status == .requiresAction)
        #expect(run.threadID == thread.id)
        #expect(run.assistantID == assistant.id)
        #expect(run.model == "gpt-4o")
        #expect(run.instructions == DefaultConfiguration.assistant.instructions)
        #expect(run.requiredAction?.type == "submit_tool_outputs")
        let calls = run.toolCalls
        #expect(calls.map(\.function.name) == ["get_current_temperature", "get_rain_probability"])
        #expect(Set(calls.map(\.id)).count == 2)
        for call in calls {
            #expect(call.id.hasPrefix("call_"))
            #expect(try JSONValue.parse(call.function.arguments) == .object(["location": .string("부산/경상남도")]))
            #expect(call.function.output == nil)
        }
        let expiresAt = try #require(run.expiresAt)
        #expect(expiresAt > run.createdAt)

        // Both calls belong to one tool_calls step, whose step deltas name them.
        guard case .runStep(_, let step) = events[stepCreated] else { throw EngineError.invalidRequest("no step") }
        #expect(step.type == "tool_calls")
        #expect(step.stepDetails.toolCalls?.map(\.id) == calls.map(\.id))
        let deltaIDs = events.compactMap { event -> String? in
            guard case .runStepDelta(let delta) = event else { return nil }
            #expect(delta.id == step.id)
            return delta.delta.stepDetails?.toolCalls?.first?.id
        }
        #expect(deltaIDs == calls.map(\.id))

        // The stored state agrees with the stream.
        #expect(try await engine.run(threadID: thread.id, id: run.id) == run)
        #expect(try await engine.activeRun(threadID: thread.id)?.id == run.id)
        let steps = try await engine.steps(threadID: thread.id, runID: run.id)
        #expect(steps.map(\.type) == ["tool_calls"])
        #expect(steps.first?.status == "in_progress")
        #expect(try await engine.messages(threadID: thread.id).map(\.role) == ["user"])
    }

    @Test func submittingBothOutputsCompletesTheRunWithAStreamedAnswer() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let outputs = seedOutputs(for: waiting.toolCalls)
        let events = try await collect(
            engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: outputs))
        let names = events.map(\.name)

        #expect(names.last == "thread.run.completed")
        #expect(names.filter { $0.hasPrefix("thread.run.") && !$0.hasPrefix("thread.run.step") }.suffix(1) == ["thread.run.completed"])
        #expect(!names.contains("thread.run.requires_action"))
        let queued = try #require(index(of: "thread.run.queued", in: events))
        let inProgress = try #require(index(of: "thread.run.in_progress", in: events))
        let created = try #require(index(of: "thread.message.created", in: events))
        let firstDelta = try #require(index(of: "thread.message.delta", in: events))
        let lastDelta = try #require(events.lastIndex { $0.name == "thread.message.delta" })
        let completed = try #require(index(of: "thread.message.completed", in: events))
        #expect(queued < inProgress)
        #expect(inProgress < created)
        #expect(created < firstDelta)
        #expect(lastDelta < completed)
        #expect(completed < names.count - 1)
        #expect(names.filter { $0 == "thread.message.delta" }.count > 3)

        // The tool step is completed first, with the outputs.
        guard case .runStep("completed", let toolStep) = events.first else {
            Issue.record("expected the tool step to complete first, got \(names.first ?? "nothing")")
            return
        }
        #expect(toolStep.id.hasPrefix("step_"))
        #expect(toolStep.stepDetails.toolCalls?.map(\.function.output) == ["57", "0.06"])

        let streamedText = events.compactMap { event -> String? in
            guard case .messageDelta(let delta) = event else { return nil }
            return delta.text
        }.joined()
        guard case .message(_, let completedMessage) = events[completed] else { throw EngineError.invalidRequest("no message") }
        #expect(completedMessage.text == streamedText)
        #expect(completedMessage.status == "completed")
        #expect(streamedText.contains("57°F"))
        #expect(streamedText.contains("6%"))
        #expect(events.allSatisfy { event in
            guard case .messageDelta(let delta) = event else { return true }
            return delta.id == completedMessage.id
        })

        guard case .run(_, let finalRun)? = events.last else { throw EngineError.invalidRequest("no run") }
        #expect(finalRun.status == .completed)
        #expect(finalRun.requiredAction == nil)
        #expect(finalRun.completedAt != nil)
        let usage = try #require(finalRun.usage)
        #expect(usage.promptTokens > 0 && usage.completionTokens > 0)

        // Stored objects, through the engine's API.
        let messages = try await engine.messages(threadID: thread.id)
        #expect(messages.map(\.role) == ["user", "assistant"])
        #expect(messages.first?.text == seedQuestion)
        let stored = try #require(messages.last)
        #expect(stored.id == completedMessage.id)
        #expect(stored.text == streamedText)
        #expect(stored.status == "completed")
        #expect(stored.runID == waiting.id)
        #expect(stored.assistantID == waiting.assistantID)
        #expect(try await engine.message(threadID: thread.id, id: stored.id) == stored)

        #expect(try await engine.run(threadID: thread.id, id: waiting.id) == finalRun)
        #expect(try await engine.runs(threadID: thread.id).map(\.id) == [waiting.id])
        #expect(try await engine.activeRun(threadID: thread.id) == nil)

        let steps = try await engine.steps(threadID: thread.id, runID: waiting.id)
        #expect(steps.map(\.type) == ["tool_calls", "message_creation"])
        #expect(steps.map(\.status) == ["completed", "completed"])
        #expect(steps[0].stepDetails.toolCalls?.map(\.id) == waiting.toolCalls.map(\.id))
        #expect(steps[0].stepDetails.toolCalls?.map(\.function.output) == ["57", "0.06"])
        #expect(steps[1].stepDetails.messageCreation?.messageID == stored.id)
    }

    @Test func outputsMayComeInAnyOrder() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        let events = try await collect(
            engine.submitToolOutputs(
                threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls).reversed()))
        #expect(events.last?.name == "thread.run.completed")
        let steps = try await engine.steps(threadID: thread.id, runID: waiting.id)
        #expect(steps.first?.stepDetails.toolCalls?.map(\.function.output) == ["57", "0.06"])
    }

    @Test func aFollowUpRunSeesTheEarlierTurns() async throws {
        let engine = try fixture.open()
        let (thread, waiting) = try await engine.runUntilToolCalls()
        _ = try await collect(
            engine.submitToolOutputs(threadID: thread.id, runID: waiting.id, outputs: seedOutputs(for: waiting.toolCalls)))
        _ = try await engine.addMessage(threadID: thread.id, role: "user", text: "What's the weather in Seoul for the next 3 days?")
        let assistant = try await engine.seedAssistant()
        let events = try await collect(engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        guard case .run("requires_action", let second)? = events.last else {
            Issue.record("expected requires_action, got \(events.map(\.name))")
            return
        }
        #expect(second.toolCalls.map(\.function.name) == ["get_n_day_weather_forecast"])
        #expect(try await engine.runs(threadID: thread.id).map(\.id) == [waiting.id, second.id])
    }

    @Test func runOverridesInstructionsAndModel() async throws {
        let engine = try fixture.open()
        let (thread, assistant) = try await engine.threadAsking(seedQuestion)
        let request = RunRequest(
            assistantID: assistant.id, instructions: "Be brief.", additionalInstructions: "사용자를 고객님이라고 부르세요.",
            model: "gpt-4o-mini")
        let events = try await collect(engine.createRun(threadID: thread.id, request: request))
        guard case .run(_, let run)? = events.last else { throw EngineError.invalidRequest("no run") }
        #expect(run.instructions == "Be brief.\n\n사용자를 고객님이라고 부르세요.")
        #expect(run.model == "gpt-4o-mini")
        let answer = try await collect(
            engine.submitToolOutputs(threadID: thread.id, runID: run.id, outputs: seedOutputs(for: run.toolCalls)))
        guard case .run(_, let done)? = answer.last else { throw EngineError.invalidRequest("no run") }
        #expect(done.status == .completed)
        #expect(try await engine.messages(threadID: thread.id).last?.text.hasPrefix("고객님") == true)
    }

    @Test func plainReplyCompletesWithoutToolCalls() async throws {
        let engine = try fixture.open()
        let (thread, assistant) = try await engine.threadAsking("Tell me a joke.")
        let events = try await collect(engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id)))
        #expect(events.last?.name == "thread.run.completed")
        #expect(!events.map(\.name).contains("thread.run.requires_action"))
        let reply = try #require(try await engine.messages(threadID: thread.id).last)
        #expect(reply.role == "assistant")
        #expect(reply.text.contains("offline demo model"))
    }
}
