import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

/// The built binary in piped mode with `--backend chat` and `--backend responses`, against
/// fake servers running in this test process on 127.0.0.1.
@Suite struct HTTPBackendPipedTests {
    static let seedQuestion = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
    static let calls = [
        ToolCallRequest(id: "call_temp", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
        ToolCallRequest(id: "call_rain", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
    ]
    let home = TemporaryDirectory("threadline-http-piped")

    func run(_ lines: [String], _ arguments: [String], key: String = "") async throws -> ProcessOutput {
        let environment = ["THREADLINE_HOME": home.path, "OPENAI_API_KEY": key, "OPENAI_BASE_URL": "", "THREADLINE_BACKEND": ""]
        return try await ProcessRunner.run(arguments, lines: lines, environment: environment)
    }

    @Test func chatBackendAnswersTheSeedQuestionWithParallelTools() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/chat/completions", .sse(ChatCompletionsStreamFixture.calls(Self.calls)),
            .sse(ChatCompletionsStreamFixture.text(["부산은 지금 ", "맑아요."])))
        let output = try await run([Self.seedQuestion], ["--backend", "chat", "--base-url", server.baseURL + "/v1", "--model", "llama3.2"])
        #expect(output.status == 0)
        #expect(output.stdout == "부산은 지금 맑아요.\n")
        let temperature = DemoWeather.temperature(location: "부산/경상남도")
        #expect(output.stderr.contains("→ get_current_temperature(location: 부산/경상남도) = \(temperature)°C"))
        let requests = server.requests("POST", "/v1/chat/completions")
        #expect(requests.count == 2)
        #expect(requests.first?.json?["model"] == .string("llama3.2"))
        #expect(requests.last?.body.contains(#""role":"tool""#) == true)
        // The follow-up names the calls by the model's own ids.
        let toolMessages = requests.last?.json?["messages"]?.arrayValue?.filter { $0["role"] == .string("tool") } ?? []
        #expect(toolMessages.compactMap { $0["tool_call_id"]?.stringValue } == ["call_temp", "call_rain"])
    }

    @Test func chatBackendWithoutBaseURLSaysWhatIsMissing() async throws {
        let output = try await run(["hi"], ["--backend", "chat"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--backend chat needs --base-url URL"))
    }

    @Test func responsesBackendOnOpenAIWithoutAKeyRefusesBeforeAnyRequest() async throws {
        let output = try await run(["hi"], ["--backend", "responses"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--backend responses on https://api.openai.com/v1 needs OPENAI_API_KEY"))
    }

    @Test func responsesBackendKeepsOneConversationAcrossLines() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/conversations", .json(#"{"id":"conv_piped","object":"conversation","created_at":1764086400,"metadata":{}}"#))
        server.enqueue(
            "POST", "/v1/responses", .sse(ResponsesStreamFixture.text(["First reply."], responseID: "resp_a")),
            .sse(ResponsesStreamFixture.text(["Second reply."], responseID: "resp_b")))
        let output = try await run(
            ["hello", "/instructions Answer briefly.", "again", "/show"], ["--backend", "responses", "--base-url", server.baseURL + "/v1"],
            key: "sk-piped-secret")
        #expect(output.status == 0)
        #expect(output.stdout == "First reply.\nSecond reply.\n")
        #expect(output.stderr.contains("thread:   conv_piped"))
        #expect(output.stderr.contains("session usage 84 in / 14 out tokens"))
        let requests = server.requests("POST", "/v1/responses")
        #expect(requests.map { $0.json?["conversation"] } == [.string("conv_piped"), .string("conv_piped")])
        #expect(requests.last?.json?["instructions"] == .string("Answer briefly."))
        #expect(!(output.stdout + output.stderr).contains("sk-piped-secret"))
    }

    @Test func authenticationErrorIsOneLineWithoutTheKey() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/conversations", .error(status: 401, message: "Incorrect API key provided.", type: "invalid_request_error"))
        let output = try await run(["hi"], ["--backend", "responses", "--base-url", server.baseURL + "/v1"], key: "sk-wrong-secret")
        #expect(output.status != 0)
        #expect(
            output.stderr.contains(
                "error: HTTP 401 Unauthorized: Incorrect API key provided. (invalid_request_error) — set OPENAI_API_KEY to a key"))
        #expect(!(output.stdout + output.stderr).contains("sk-wrong-secret"))
        #expect(server.requests.first?.headers["authorization"] == "Bearer sk-wrong-secret")
    }
}
