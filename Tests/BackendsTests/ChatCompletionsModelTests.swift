import AssistantsWire
import Foundation
import HTTPSupport
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// The local engine with a `ChatCompletionsModel` against a fake Chat Completions server on
/// 127.0.0.1 (what `--backend chat` runs), driven by the REPL's RunDriver.
@Suite struct ChatCompletionsModelTests {
    let fixture = EngineFixture()

    func backend(_ server: FakeHTTPServer, apiKey: String? = nil) async throws -> LocalBackend {
        let engine = try fixture.open(model: ChatCompletionsModel(settings: fakeSettings(server, apiKey: apiKey)))
        return try await LocalBackend(name: "chat", engine: engine, definition: DefaultConfiguration.assistant)
    }

    func turn(_ backend: LocalBackend, _ line: String, thread: String, options: RunOptions = RunOptions()) async throws -> TurnSummary {
        try await backend.appendUserMessage(line, threadID: thread)
        return try await RunDriver(backend: backend, toolRunner: weatherTools).runTurn(threadID: thread, options: options) { _ in }
    }

    func server(_ replies: FakeReply...) async throws -> FakeHTTPServer {
        let server = try await FakeHTTPServer.start()
        for reply in replies { server.enqueue("POST", "/v1/chat/completions", reply) }
        return server
    }

    @Test func parallelCallsGoBackAsToolMessagesAndTheAnswerStreams() async throws {
        let server = try await server(
            .sse(ChatCompletionsStreamFixture.calls(seedCalls, usage: (120, 40))),
            .sse(ChatCompletionsStreamFixture.text(["Captain, ", "Busan is sunny."], usage: (31, 9))))
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        let summary = try await turn(backend, seedQuestion, thread: thread.id, options: RunOptions(instructions: "Call the user Captain."))

        #expect(summary.outcome == .completed)
        #expect(summary.text == "Captain, Busan is sunny.")
        #expect(summary.toolResults.map(\.call.name) == seedCalls.map(\.name))
        #expect(summary.usage == TokenUsage(inputTokens: 151, outputTokens: 49))
        let requests = server.requests("POST", "/v1/chat/completions")
        try #require(requests.count == 2)
        let first = try #require(requests[0].json)
        #expect(first["model"] == .string("gpt-4o"))
        #expect(first["stream"] == .bool(true))
        #expect(first["stream_options"]?["include_usage"] == .bool(true))
        #expect(requests[0].headers["authorization"] == nil)
        #expect(requests[0].messages.map { $0["role"] } == [.string("system"), .string("user")])
        #expect(requests[0].messages.first?["content"] == .string("Call the user Captain."))
        let tools = first["tools"]?.elements ?? []
        #expect(tools.map { $0["function"]?["name"] } == DemoWeatherTool.Function.allCases.map { .string($0.rawValue) })

        let messages = requests[1].messages
        #expect(messages.map { $0["role"] } == ["system", "user", "assistant", "tool", "tool"].map { .string($0) })
        let calls = messages[2]["tool_calls"]?.elements ?? []
        #expect(calls.map { $0["function"]?["name"] } == seedCalls.map { .string($0.name) })
        #expect(calls.map { $0["function"]?["arguments"] } == seedCalls.map { .string($0.arguments) })
        #expect(messages[3]["tool_call_id"] == calls.first?["id"])
        #expect(messages[4]["tool_call_id"] == calls.last?["id"])
        #expect(messages[3]["content"] == .string(busanTemperature))
    }

    @Test func modelOverrideAndKeyAreSent() async throws {
        let server = try await server(.sse(ChatCompletionsStreamFixture.text(["ok"])))
        let backend = try await backend(server, apiKey: "ollama-key")
        await backend.setModel("llama3.2")
        let thread = try await backend.createThread()
        _ = try await turn(backend, "hi", thread: thread.id)
        let request = try #require(server.requests.first)
        #expect(request.json?["model"] == .string("llama3.2"))
        #expect(request.headers["authorization"] == "Bearer ollama-key")
    }

    @Test func rateLimitIsRetriedThenSucceeds() async throws {
        let server = try await server(
            .error(status: 429, message: "Too many requests", headers: ["retry-after-ms": "10"]),
            .sse(ChatCompletionsStreamFixture.text(["after the wait"])))
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        let summary = try await turn(backend, "hi", thread: thread.id)
        #expect(summary.text == "after the wait")
        #expect(server.requests.count == 2)
        // The retry carries the first attempt's Idempotency-Key, so the server can act once.
        let keys = server.requests.map { $0.headers["idempotency-key"] }
        #expect(keys[0]?.hasPrefix("threadline-retry-") == true)
        #expect(keys[1] == keys[0])
    }

    @Test func lengthFinishEndsTheRunIncomplete() async throws {
        let server = try await server(.sse(ChatCompletionsStreamFixture.text(["Once upon a"], finish: "length")))
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        let summary = try await turn(backend, "story", thread: thread.id)
        #expect(summary.outcome == .incomplete("the model hit its output token limit (finish_reason: length)"))
        #expect(
            try await backend.transcript(threadID: thread.id).last
                == TranscriptEntry(kind: .assistant, text: "Once upon a", isPartial: true))
    }

    @Test func droppedStreamFailsTheRunAndTheThreadStaysUsable() async throws {
        let server = try await server(
            FakeReply.sse(ChatCompletionsStreamFixture.truncated(["Hal"])).droppingConnection(),
            .sse(ChatCompletionsStreamFixture.text(["Fine now."])))
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        let broken = try await turn(backend, "first", thread: thread.id)
        guard case .failed(let reason) = broken.outcome else {
            Issue.record("expected a failed run, got \(broken.outcome)")
            return
        }
        #expect(reason.contains("the stream broke off"))
        let next = try await turn(backend, "second", thread: thread.id)
        #expect(next.text == "Fine now.")
        #expect(server.requests.last?.messages.last?["content"] == .string("second"))
    }

    @Test func errorObjectInsideTheStreamFailsTheRun() async throws {
        let server = try await server(.sse([#"data: {"error":{"message":"model crashed","type":"server_error","code":"oom"}}"# + "\n\n"]))
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        let summary = try await turn(backend, "hi", thread: thread.id)
        #expect(summary.outcome == .failed("the model server reported: model crashed (oom)"))
    }

    @Test func cancellingKeepsThePartialReplyMarked() async throws {
        let server = try await server(FakeReply.sse(ChatCompletionsStreamFixture.truncated(["Half ", "a reply"])).stalling())
        let backend = try await backend(server)
        let thread = try await backend.createThread()
        try await backend.appendUserMessage("tell me", threadID: thread.id)
        let summary = try await turnCancelled(after: "Half a reply", backend: backend, threadID: thread.id)
        server.releaseStalled()
        #expect(summary.outcome == .cancelled)
        #expect(
            try await backend.transcript(threadID: thread.id).last
                == TranscriptEntry(kind: .assistant, text: "Half a reply", isPartial: true))
    }
}
