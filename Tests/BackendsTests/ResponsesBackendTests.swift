import AssistantsWire
import Foundation
import HTTPSupport
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// `ResponsesBackend` against a fake Responses + Conversations server on 127.0.0.1, driven by
/// the same RunDriver the REPL uses.
@Suite struct ResponsesBackendTests {
    let directory = TemporaryDirectory("threadline-responses")

    static let conversation = #"{"id":"conv_1","object":"conversation","created_at":1764086400,"metadata":{}}"#

    func backend(_ server: FakeHTTPServer, apiKey: String? = nil) throws -> ResponsesBackend {
        try ResponsesBackend(
            settings: fakeSettings(server, apiKey: apiKey), statePath: directory.file("threads.sqlite"),
            definition: DefaultConfiguration.assistant)
    }

    /// A server holding conversation conv_1, with `streams` queued for `POST /v1/responses`.
    func server(_ streams: FakeReply...) async throws -> FakeHTTPServer {
        let server = try await FakeHTTPServer.start()
        server.enqueue("POST", "/v1/conversations", .json(Self.conversation))
        for stream in streams { server.enqueue("POST", "/v1/responses", stream) }
        return server
    }

    func turn(_ backend: ResponsesBackend, _ line: String, thread: String = "conv_1", options: RunOptions = RunOptions()) async throws
        -> TurnSummary
    {
        try await backend.appendUserMessage(line, threadID: thread)
        return try await RunDriver(backend: backend, toolRunner: weatherTools).runTurn(threadID: thread, options: options) { _ in }
    }

    @Test func conversationIsTheThreadAndIsRememberedLocally() async throws {
        let server = try await server()
        let backend = try backend(server)
        let thread = try await backend.createThread()
        #expect(thread.id == "conv_1")
        #expect(server.requests("POST", "/v1/conversations").count == 1)
        let listed = try await backend.listThreads(limit: 10)
        #expect(listed.map(\.id) == ["conv_1"])
        // Another process on the same state file sees it too.
        #expect(try await self.backend(server).listThreads(limit: 10).map(\.id) == ["conv_1"])
        server.enqueue("GET", "/v1/conversations/conv_gone", .error(status: 404, message: "Conversation not found"))
        await #expect(throws: BackendError.threadNotFound("conv_gone")) { try await backend.thread(id: "conv_gone") }
    }

    @Test func parallelCallsAreAnsweredInOneFollowUpRequest() async throws {
        let server = try await server(
            .sse(ResponsesStreamFixture.calls(seedCalls, responseID: "resp_1", usage: (80, 30))),
            .sse(ResponsesStreamFixture.text(["부산은 ", "맑아요."], responseID: "resp_2", usage: (120, 12))))
        let backend = try backend(server, apiKey: "sk-test-secret")
        _ = try await backend.createThread()
        let summary = try await turn(backend, seedQuestion, options: RunOptions(instructions: "사용자를 고객님이라고 부르세요."))

        #expect(summary.outcome == .completed)
        #expect(summary.text == "부산은 맑아요.")
        #expect(summary.toolResults.map(\.call.id) == ["call_temp", "call_rain"])
        #expect(summary.usage == TokenUsage(inputTokens: 200, outputTokens: 42))
        let requests = server.requests("POST", "/v1/responses")
        try #require(requests.count == 2)
        let first = try #require(requests[0].json)
        #expect(first["conversation"] == .string("conv_1"))
        #expect(first["stream"] == .bool(true))
        #expect(first["model"] == .string("gpt-4o"))
        #expect(first["instructions"] == .string("사용자를 고객님이라고 부르세요."))
        #expect(requests[0].inputItems.first?["content"] == .string(seedQuestion))
        let tools = first["tools"]?.elements ?? []
        #expect(tools.map { $0["name"] } == DemoWeatherTool.Function.allCases.map { .string($0.rawValue) })
        #expect(tools.allSatisfy { $0["type"] == .string("function") && $0["strict"] == .bool(false) && $0["parameters"] != nil })
        #expect(requests[0].headers["authorization"] == "Bearer sk-test-secret")
        // Instructions do not carry over in the Responses API: the follow-up repeats them.
        let second = try #require(requests[1].json)
        #expect(second["instructions"] == .string("사용자를 고객님이라고 부르세요."))
        let outputs = requests[1].inputItems
        #expect(outputs.map { $0["type"] } == [.string("function_call_output"), .string("function_call_output")])
        #expect(outputs.map { $0["call_id"] } == [.string("call_temp"), .string("call_rain")])
        #expect(outputs.first?["output"] == .string(busanTemperature))
        #expect(await backend.describe().detail.contains("session usage 200 in / 42 out tokens"))
    }

    @Test func toolLoopRunsSeveralRoundsInTheSameConversation() async throws {
        let forecast = ToolCallRequest(id: "call_fc", name: "get_n_day_weather_forecast", arguments: #"{"location":"서울","num_days":3}"#)
        let server = try await server(
            .sse(ResponsesStreamFixture.calls([seedCalls[0]], responseID: "resp_1")),
            .sse(ResponsesStreamFixture.calls([forecast], responseID: "resp_2")),
            .sse(ResponsesStreamFixture.text(["Done."], responseID: "resp_3")))
        let backend = try backend(server)
        _ = try await backend.createThread()
        let summary = try await turn(backend, "weather in Busan, then a forecast for Seoul")
        #expect(summary.outcome == .completed)
        #expect(summary.toolRounds == 2)
        #expect(summary.text == "Done.")
        let requests = server.requests("POST", "/v1/responses")
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.json?["conversation"] == .string("conv_1") })
        #expect(requests[2].inputItems.first?["call_id"] == .string("call_fc"))
    }

    @Test func rateLimitIsRetriedThenSucceeds() async throws {
        let server = try await server(
            .error(status: 429, message: "Rate limit reached", type: "requests", headers: ["retry-after-ms": "10"]),
            .sse(ResponsesStreamFixture.text(["Hello!"])))
        let backend = try backend(server)
        _ = try await backend.createThread()
        let summary = try await turn(backend, "hi")
        #expect(summary.outcome == .completed)
        #expect(summary.text == "Hello!")
        let requests = server.requests("POST", "/v1/responses")
        #expect(requests.count == 2)
        #expect(requests[0].body == requests[1].body)
    }

    @Test func failedAndIncompleteResponsesEndTheTurnWithTheirReason() async throws {
        let server = try await server(
            .sse(ResponsesStreamFixture.failed(after: ["Part"], code: "server_error", message: "The model crashed.")),
            .sse(ResponsesStreamFixture.incomplete(after: ["Long answer"], reason: "max_output_tokens")))
        let backend = try backend(server)
        _ = try await backend.createThread()
        let failed = try await turn(backend, "one")
        #expect(failed.outcome == .failed("server_error: The model crashed."))
        #expect(failed.text == "Part")
        let incomplete = try await turn(backend, "two")
        #expect(incomplete.outcome == .incomplete("max_output_tokens"))
        #expect(incomplete.usage == TokenUsage(inputTokens: 50, outputTokens: 16))
    }

    @Test func droppedStreamThrowsAndTheNextLineRepairsTheConversation() async throws {
        let server = try await server(
            FakeReply.sse(ResponsesStreamFixture.truncated(after: ["Hal"])).droppingConnection(),
            .sse(ResponsesStreamFixture.text(["Again, fine."])))
        server.enqueue("POST", "/v1/conversations/conv_1/items", .json(#"{"object":"list","data":[],"has_more":false}"#))
        let backend = try backend(server)
        _ = try await backend.createThread()
        await #expect {
            _ = try await turn(backend, "first")
        } throws: { error in
            guard case HTTPError.streamCut = error else { return false }
            return true
        }
        let next = try await turn(backend, "second")
        #expect(next.text == "Again, fine.")
        // What the aborted response lost goes back first; the next request carries only the new line.
        let repaired = server.requests("POST", "/v1/conversations/conv_1/items").first?.json?["items"]?.elements ?? []
        // The client may lose the tail of a broken connection, so "Hal" may or may not have arrived.
        let contents = repaired.map { $0["content"] }
        #expect(contents == [.string("first"), .string("Hal")] || contents == [.string("first")])
        #expect(server.requests("POST", "/v1/responses").last?.inputItems.map { $0["content"] } == [.string("second")])
    }

    @Test func userLineRefusedByTheServerGoesWithTheNextRequest() async throws {
        let server = try await server(
            .error(status: 400, message: "Invalid model"),
            .sse(ResponsesStreamFixture.text(["ok"])))
        let backend = try backend(server)
        _ = try await backend.createThread()
        await #expect(throws: HTTPError.self) { _ = try await turn(backend, "lost?") }
        _ = try await turn(backend, "again")
        let texts = server.requests("POST", "/v1/responses").last?.inputItems.map { $0["content"] }
        #expect(texts == [.string("lost?"), .string("again")])
    }
}
