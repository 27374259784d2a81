import Foundation
import TestSupport
import Testing

/// The built binary in piped mode against fake servers that misbehave on purpose
/// (docs/reliability.md, "Hostile servers and text"): a 50 MB line or an endless one ends the turn
/// with one error line, the output never carries the flood, and the next line is answered.
@Suite struct HostileServerTests {
    let home = TemporaryDirectory("threadline-hostile")

    enum Flood: String, CaseIterable {
        case fiftyMegabyteLine
        case endlessLine

        var reply: FakeReply {
            let piece = String(repeating: "x", count: 1 << 16)
            return FakeReply.sse(["data: "]).repeating(piece, count: self == .endlessLine ? nil : 800)
        }
    }

    /// Runs two lines on `backend`: the first gets the flood, the second a proper reply.
    func run(backend: String, flood: Flood) async throws -> ProcessOutput {
        let server = try await FakeHTTPServer.start()
        switch backend {
        case "chat":
            server.enqueue("POST", "/v1/chat/completions", flood.reply, .sse(ChatCompletionsStreamFixture.text(["Still here."])))
        default:
            server.enqueue(
                "POST", "/v1/conversations", .json(#"{"id":"conv_h","object":"conversation","created_at":1764086400,"metadata":{}}"#))
            server.enqueue("POST", "/v1/responses", flood.reply, .sse(ResponsesStreamFixture.text(["Still here."])))
            // The broken turn's input is added to the conversation before the next one.
            server.enqueue("POST", "/v1/conversations/conv_h/items", .json(#"{"object":"list","data":[]}"#))
        }
        let environment = ["THREADLINE_HOME": home.path, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "", "THREADLINE_BACKEND": ""]
        return try await ProcessRunner.run(
            ["--backend", backend, "--base-url", server.baseURL + "/v1", "--model", "m"], lines: ["flood me", "and again"],
            environment: environment)
    }

    @Test(arguments: ["chat", "responses"], Flood.allCases)
    func aHugeOrEndlessLineIsOneErrorAndTheNextTurnWorks(backend: String, flood: Flood) async throws {
        let output = try await run(backend: backend, flood: flood)
        let errors = output.stderr.split(separator: "\n").filter { $0.contains("error") || $0.contains("failed") }
        #expect(errors.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains("the server sent a line larger than 1048576 bytes"), "\(output.stderr)")
        #expect(!output.stdout.contains("xxxx") && !output.stderr.contains("xxxx"))
        #expect(output.stdout.contains("Still here."), "\(output.stdout)")
    }
}
