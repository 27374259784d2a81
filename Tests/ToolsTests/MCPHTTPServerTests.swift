import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Tools

/// `MCPServer` over Streamable HTTP, against our fixture on the official Python SDK, answering
/// with event streams (its default) or with JSON bodies (`--json`).
@Suite(.enabled(if: MCPFixtures.installed, "needs the test venv with mcp (make venv)"))
struct MCPHTTPServerTests {
    let logs = TemporaryDirectory("threadline-mcp-http-logs")

    private func server(
        _ url: String, headers: [String: String] = [:], startupTimeout: Duration = .seconds(120), toolTimeout: Duration? = nil
    ) -> MCPServer {
        MCPServer(
            configuration: MCPConfiguration.Server(
                name: "web", transport: .http(url: url, headers: headers), startupTimeout: startupTimeout, toolTimeout: toolTimeout),
            logDirectory: logs.path, environment: [:])
    }

    private struct LoggedRequest: Decodable {
        var method: String
        var session: String?
        var version: String?
        var authorization: String?
    }

    @Test func theSessionIdAndProtocolVersionAreSentBackAndTheSessionIsDeletedOnStop() async throws {
        let requestLog = logs.file("requests.jsonl")
        let fixture = try await MCPHTTPFixture.start(["--log", requestLog, "--require-auth", "Bearer sesame"])
        let web = server(fixture.url, headers: ["Authorization": "Bearer sesame"])
        await web.start()
        #expect(web.status.state == .ready, "\(web.status)")
        #expect(Set(web.status.tools.map(\.name)) == ["sleep", "boom", "fail", "picture", "barrier", "crash"])
        #expect(try await web.call("sleep", arguments: ["seconds": 0]).hasPrefix("slept"))
        await web.stop()
        let requests = try String(contentsOfFile: requestLog, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8))
        }
        try #require(requests.count >= 4, "\(requests)")
        #expect(requests.allSatisfy { $0.authorization == "Bearer sesame" })
        let (first, later) = (requests[0], requests.dropFirst())
        #expect(first.method == "POST" && first.session == nil && first.version == nil)
        let session = try #require(later.first?.session)
        #expect(later.allSatisfy { $0.session == session && $0.version == "2025-11-25" }, "\(requests)")
        #expect(requests.last?.method == "DELETE")
    }

    @Test(arguments: [false, true])
    func parallelCallsMeetAtABarrierAndErrorsAndImagesBecomeOutputs(json: Bool) async throws {
        let fixture = try await MCPHTTPFixture.start(json ? ["--json"] : [])
        let web = server(fixture.url)
        await web.start()
        #expect(web.status.state == .ready, "\(web.status)")
        let tools = web.status.tools.map { MCPTool(server: web, tool: $0) }
        let runner = ToolRunner(registry: ToolRegistry(tools), timeout: .seconds(120))
        // Each barrier call returns only once all three are in the server at once.
        let barrier = #"{"name": "meet", "count": 3, "timeout": 60}"#
        let results = await runner.run([
            ToolCallRequest(id: "a", name: "web__barrier", arguments: barrier),
            ToolCallRequest(id: "b", name: "web__barrier", arguments: barrier),
            ToolCallRequest(id: "c", name: "web__barrier", arguments: barrier),
            ToolCallRequest(id: "boom", name: "web__boom", arguments: #"{"reason": "disk on fire"}"#),
            ToolCallRequest(id: "fail", name: "web__fail", arguments: #"{"reason": "not today"}"#),
            ToolCallRequest(id: "picture", name: "web__picture", arguments: "{}"),
        ])
        #expect(results.prefix(3).map(\.output) == Array(repeating: "all 3 arrived", count: 3), "\(results)")
        #expect(results[3].isError && results[3].output.contains("disk on fire"), "\(results[3])")
        #expect(results[4].isError && results[4].output == #"{"error":"not today"}"#, "\(results[4])")
        #expect(results[5].output == "[image image/png, 66 bytes]")
        await web.stop()
    }

    @Test func aCallPastTheToolTimeoutIsAnErrorAndTheServerGoesOn() async throws {
        let fixture = try await MCPHTTPFixture.start()
        let web = server(fixture.url, toolTimeout: .seconds(2))
        await web.start()
        let runner = ToolRunner(registry: ToolRegistry(web.status.tools.map { MCPTool(server: web, tool: $0) }), timeout: .seconds(120))
        let results = await runner.run([
            ToolCallRequest(id: "slow", name: "web__sleep", arguments: #"{"seconds": 600}"#),
            ToolCallRequest(id: "quick", name: "web__sleep", arguments: #"{"seconds": 0}"#),
        ])
        #expect(results.map(\.isError) == [true, false], "\(results)")
        #expect(results.first?.output == #"{"error":"timed out after 2 s"}"#)
        #expect(try await web.call("sleep", arguments: ["seconds": 0]).hasPrefix("slept"))
        await web.stop()
    }

    @Test func aServerThatCrashesMidCallGivesAOneLineErrorNamingIt() async throws {
        let fixture = try await MCPHTTPFixture.start()
        let web = server(fixture.url)
        await web.start()
        do {
            _ = try await web.call("crash", arguments: [:])
            Issue.record("the call returned")
        } catch let error as ToolError {
            #expect(error.message.hasPrefix("MCP server 'web': "), "\(error)")
            #expect(!error.message.contains("\n"))
        }
        await web.stop()
    }

    @Test func aServerThatNeverAnswersInitializeFailsAfterItsStartupTimeout() async throws {
        let fixture = try await MCPHTTPFixture.start(["--mute"])
        let web = server(fixture.url, startupTimeout: .seconds(1))
        await web.start()
        #expect(web.status.state == .failed("no answer to the handshake within 1 s"), "\(web.status)")
        await web.stop()
    }

    @Test func aRefusedRequestIsItsStatusAndTheServersFirstLine() async throws {
        let fixture = try await MCPHTTPFixture.start(["--require-auth", "Bearer sesame"])
        let web = server(fixture.url, headers: ["Authorization": "Bearer wrong"])
        await web.start()
        #expect(
            web.status.state == .failed("handshake failed: \(fixture.url) answered 401 Unauthorized: missing or wrong Authorization"),
            "\(web.status)")
    }

    @Test func nothingListeningIsAHandshakeFailureSayingSo() async throws {
        let fixture = try await MCPHTTPFixture.start()
        let url = fixture.url
        // A port that was just listening and no longer is.
        fixture.stop()
        let web = server(url, startupTimeout: .seconds(30))
        await web.start()
        guard case .failed(let message) = web.status.state else {
            Issue.record("expected a failure, got \(web.status)")
            return
        }
        #expect(message.hasPrefix("handshake failed: cannot reach \(url): "), "\(message)")
    }
}
