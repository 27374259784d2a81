import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

/// The built binary in piped mode with real stdio MCP servers from the test venv: the official
/// `mcp-server-time` and our fixture on the official Python SDK; the model is the Chat
/// Completions fake, scripted to call their tools.
@Suite(.enabled(if: MCPFixtures.installed, "needs the test venv with mcp-server-time and mcp (make venv)"))
struct MCPPipedTests {
    let home = TemporaryDirectory("threadline-mcp-home")
    let config = TemporaryDirectory("threadline-mcp-config")

    private func writeConfig(mcp: String, tools: String? = nil) throws {
        try DefaultConfiguration.assistantJSON.write(toFile: config.file("assistant.json"), atomically: true, encoding: .utf8)
        try mcp.write(toFile: config.file("mcp.json"), atomically: true, encoding: .utf8)
        if let tools { try tools.write(toFile: config.file("tools.json"), atomically: true, encoding: .utf8) }
    }

    private var timeServer: String {
        MCPFixtures.configuration([("time", MCPFixtures.timeServer, ["--local-timezone", "UTC"], "")])
    }

    /// Runs the binary against `server` as the model, with a key the children must not see.
    private func run(_ lines: [String], _ server: FakeHTTPServer?, _ extra: [String] = []) async throws -> ProcessOutput {
        let backend = server.map { ["--backend", "chat", "--base-url", $0.baseURL + "/v1"] } ?? []
        return try await ProcessRunner.run(
            ["--config", config.path] + backend + extra, lines: lines,
            environment: [
                "THREADLINE_HOME": home.path, "OPENAI_API_KEY": "sk-must-not-leak", "THREADLINE_YES": "", "THREADLINE_BACKEND": "",
            ])
    }

    private func modelCalling(_ calls: [ToolCallRequest], then reply: String) async throws -> FakeHTTPServer {
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/chat/completions", .sse(ChatCompletionsStreamFixture.calls(calls)),
            .sse(ChatCompletionsStreamFixture.text([reply])))
        return server
    }

    /// The tool outputs the model got back in its second request, in call order (the fake
    /// stream gives the calls ids of its own).
    private func toolOutputs(_ server: FakeHTTPServer) -> [String] {
        guard let messages = server.requests("POST", "/v1/chat/completions").last?.json?["messages"]?.arrayValue else { return [] }
        return messages.filter { $0["role"]?.stringValue == "tool" }.compactMap { $0["content"]?.stringValue }
    }

    @Test func modelCallsMCPServerTimeAndItsOutputReachesTheModel() async throws {
        try writeConfig(mcp: timeServer)
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_time", name: "time__get_current_time", arguments: #"{"timezone":"UTC"}"#)], then: "It is late.")
        let output = try await run(["What time is it in UTC?"], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "It is late.\n")
        #expect(output.stderr.contains("→ time__get_current_time(timezone: UTC) = {"))
        let first = try #require(server.requests("POST", "/v1/chat/completions").first)
        #expect(first.body.contains(#""name":"time__get_current_time""#))
        let result = try #require(toolOutputs(server).first)
        #expect(result.contains(#""timezone": "UTC""#) && result.contains(#""datetime""#), "\(result)")
    }

    @Test func pipedRunDeclinesCallsThatNeedApprovalWithoutYes() async throws {
        try writeConfig(mcp: timeServer)
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_time", name: "time__get_current_time", arguments: #"{"timezone":"UTC"}"#)], then: "Declined.")
        let output = try await run(["What time is it?"], server)
        #expect(output.status == 0)
        #expect(output.stderr.contains("declined time__get_current_time: it needs approval"))
        #expect(toolOutputs(server) == [#"{"error":"the user declined this call"}"#])
    }

    @Test func approvalAutoInMCPJSONRunsWithoutYes() async throws {
        try writeConfig(mcp: MCPFixtures.configuration([("time", MCPFixtures.timeServer, [], #""approval": "auto""#)]))
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_time", name: "time__get_current_time", arguments: #"{"timezone":"Asia/Seoul"}"#)], then: "Ok.")
        let output = try await run(["Time in Seoul?"], server)
        #expect(output.status == 0)
        #expect(toolOutputs(server).first?.contains("Asia/Seoul") == true)
    }

    @Test func neitherAnMCPServerNorACommandToolSeesTheAPIKey() async throws {
        try writeConfig(
            mcp: MCPFixtures.configuration([("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer], #""env": {"FIXTURE_MODE": "1"}"#)]
            ),
            tools: #"{"tools": {"names": {"command": ["sh", "-c", "env | cut -d= -f1 | sort | tr '\\n' ' '"], "#
                + #""parameters": {"type": "object", "properties": {}}}}}"#)
        let server = try await modelCalling(
            [
                ToolCallRequest(id: "call_mcp", name: "fixture__environment", arguments: "{}"),
                ToolCallRequest(id: "call_cmd", name: "names", arguments: "{}"),
            ], then: "Checked.")
        let output = try await run(["Which variables?"], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        let outputs = toolOutputs(server)
        try #require(outputs.count == 2)
        let (mcp, command) = (outputs[0], outputs[1])
        #expect(mcp.contains("PATH") && mcp.contains("FIXTURE_MODE"), "\(mcp)")
        #expect(command.contains("PATH") && command.contains("HOME"), "\(command)")
        for text in [mcp, command] {
            #expect(!text.contains("OPENAI_API_KEY") && !text.contains("THREADLINE_HOME"), "\(text)")
        }
    }

    @Test func errorsAndImagesFromAServerBecomeOutputs() async throws {
        try writeConfig(mcp: MCPFixtures.configuration([("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer], "")]))
        let server = try await modelCalling(
            [
                ToolCallRequest(id: "call_fail", name: "fixture__fail", arguments: #"{"reason":"disk on fire"}"#),
                ToolCallRequest(id: "call_picture", name: "fixture__picture", arguments: "{}"),
            ], then: "Seen.")
        let output = try await run(["Try them."], server, ["--yes"])
        #expect(output.status == 0)
        let outputs = toolOutputs(server)
        #expect(outputs.first == #"{"error":"disk on fire"}"#)
        #expect(outputs.last == "[image image/png, 66 bytes]", "\(outputs)")
    }

    @Test func aServerThatCannotStartIsOneLineAndTheSessionGoesOn() async throws {
        try writeConfig(
            mcp: MCPFixtures.configuration([
                ("broken", "/bin/sh", ["-c", "echo starting >&2; echo not json; exit 3"], ""), ("time", MCPFixtures.timeServer, [], ""),
            ]))
        let output = try await run(["/mcp", "/tools", "What is the weather in Seoul?"], nil)
        #expect(output.status == 0)
        let failure = output.stderr.split(separator: "\n").filter { $0.contains("MCP server 'broken'") }
        #expect(failure == ["error: MCP server 'broken': the server exited with status 3: starting"], "\(output.stderr)")
        #expect(output.stderr.contains("time  ready  2 tools  stdio mcp-server-time"))
        #expect(output.stderr.contains("broken  failed  0 tools"))
        #expect(output.stderr.contains("time__convert_time"))
        #expect(output.stderr.contains("mcp:time"))
        #expect(!output.stdout.isEmpty)
        let log = try String(contentsOfFile: home.file("mcp/broken.log"), encoding: .utf8)
        #expect(log.contains("starting"))
    }

    @Test func aServerThatNeverAnswersFailsAfterItsStartupTimeout() async throws {
        try writeConfig(mcp: MCPFixtures.configuration([("mute", "/bin/sleep", ["30"], #""startup_timeout": 0.5"#)]))
        let output = try await run(["/mcp"], nil)
        #expect(output.status == 0)
        #expect(output.stderr.contains("MCP server 'mute': no answer to the handshake within 0.5"), "\(output.stderr)")
    }

    @Test func aStreamableHTTPServerWithHeadersRunsParallelCallsAndItsErrorsBecomeOutputs() async throws {
        let fixture = try await MCPHTTPFixture.start(["--require-auth", "Bearer sesame"])
        try writeConfig(
            mcp: #"{"mcpServers": {"web": {"url": "\#(fixture.url)", "headers": {"Authorization": "Bearer sesame"}}}}"#)
        let barrier = #"{"name": "meet", "count": 2, "timeout": 60}"#
        let server = try await modelCalling(
            [
                ToolCallRequest(id: "call_a", name: "web__barrier", arguments: barrier),
                ToolCallRequest(id: "call_b", name: "web__barrier", arguments: barrier),
                ToolCallRequest(id: "call_boom", name: "web__boom", arguments: #"{"reason": "disk on fire"}"#),
                ToolCallRequest(id: "call_picture", name: "web__picture", arguments: "{}"),
            ], then: "Done.")
        let output = try await run(["/mcp", "Go."], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("web  ready  6 tools  \(fixture.url)"), "\(output.stderr)")
        let outputs = toolOutputs(server)
        try #require(outputs.count == 4, "\(outputs)")
        #expect(outputs[0...1] == ["all 2 arrived", "all 2 arrived"])
        #expect(outputs[2].contains("disk on fire"))
        #expect(outputs[3] == "[image image/png, 66 bytes]")
        #expect(output.stdout == "Done.\n")
    }

    @Test func brokenServersAreOneLineEachAndThePipedRunGoesOn() async throws {
        let mute = try await MCPHTTPFixture.start(["--mute"])
        let crashing = try await MCPHTTPFixture.start()
        try writeConfig(
            mcp: #"{"mcpServers": {"mute": {"url": "\#(mute.url)", "startup_timeout": 1}, "#
                + #""crashing": {"url": "\#(crashing.url)", "startup_timeout": 120}, "#
                + #""garbage": {"command": "/bin/sh", "args": ["-c", "echo garbage; exec sleep 60"], "startup_timeout": 1}}}"#)
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_crash", name: "crashing__crash", arguments: "{}")], then: "Carried on.")
        let output = try await run(["Crash it.", "/mcp"], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stderr.split(separator: "\n")
        #expect(
            lines.filter { $0.hasPrefix("error: MCP server 'mute'") } == ["error: MCP server 'mute': no answer to the handshake within 1 s"]
        )
        #expect(lines.filter { $0.hasPrefix("error: MCP server 'garbage'") }.count == 1, "\(output.stderr)")
        #expect(toolOutputs(server).first?.hasPrefix(#"{"error":"MCP server 'crashing': "#) == true, "\(toolOutputs(server))")
        #expect(output.stdout == "Carried on.\n")
    }

    @Test func aPipedRunWaitsForASlowServerSoTheFirstMessageSeesItsTools() async throws {
        let slow = "sleep 2; exec '\(MCPFixtures.python)' '\(MCPFixtures.fixtureServer)'"
        try writeConfig(mcp: MCPFixtures.configuration([("slow", "/bin/sh", ["-c", slow], "")]))
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_s", name: "slow__sleep", arguments: #"{"seconds": 0}"#)], then: "Seen.")
        let output = try await run(["Rest."], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        let first = try #require(server.requests("POST", "/v1/chat/completions").first)
        #expect(first.body.contains(#""name":"slow__sleep""#))
        #expect(toolOutputs(server) == ["slept 0.0"])
    }

    @Test func restartingAServerThatFailedAtStartAddsItsTools() async throws {
        // Fails the first time (leaving a mark), starts the fixture the second.
        let mark = config.file("started-once")
        let flaky =
            "if [ -e '\(mark)' ]; then exec '\(MCPFixtures.python)' '\(MCPFixtures.fixtureServer)'; fi; "
            + "touch '\(mark)'; echo first start fails >&2; exit 3"
        try writeConfig(mcp: MCPFixtures.configuration([("flaky", "/bin/sh", ["-c", flaky], "")]))
        let server = try await modelCalling(
            [ToolCallRequest(id: "call_s", name: "flaky__sleep", arguments: #"{"seconds": 0}"#)], then: "Back.")
        let output = try await run(["/tools", "/mcp restart flaky", "/tools", "Rest."], server, ["--yes"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("error: MCP server 'flaky': the server exited with status 3: first start fails"))
        #expect(output.stderr.components(separatedBy: "flaky__sleep").count - 1 >= 2, "listed once by /tools, once as the call")
        #expect(output.stderr.contains("flaky  ready  5 tools"), "\(output.stderr)")
        let first = try #require(server.requests("POST", "/v1/chat/completions").first)
        #expect(first.body.contains(#""name":"flaky__sleep""#))
        #expect(toolOutputs(server) == ["slept 0.0"])
    }

    /// `serve --backend chat --config DIR` with the fixture in mcp.json, and the binary itself as
    /// its Assistants client: the model's call of the MCP tool is run by serve, not the client.
    @Test(arguments: [true, false])
    func serveRunsMCPToolsItselfAndDeclinesThoseNeedingApprovalWithoutYes(yes: Bool) async throws {
        try writeConfig(mcp: MCPFixtures.configuration([("fixture", MCPFixtures.python, [MCPFixtures.fixtureServer], "")]))
        let model = try await modelCalling(
            [ToolCallRequest(id: "call_s", name: "fixture__sleep", arguments: #"{"seconds": 0}"#)], then: "Rested.")
        let (serve, _, _, stderr) = ProcessRunner.prepare(
            ProcessRunner.threadlineBinary,
            ["serve", "--port", "0", "--backend", "chat", "--base-url", model.baseURL + "/v1", "--config", config.path]
                + (yes ? ["--yes"] : []),
            environment: ["THREADLINE_HOME": home.path, "THREADLINE_YES": ""])
        try spawning {
            try serve.run()
            TestChildren.shared.track(serve)
        }
        defer { TestChildren.shared.end(serve) }
        // "threadline serve: Assistants v2 API on http://127.0.0.1:PORT/v1 (…)" once it listens.
        var banner = ""
        while !banner.hasSuffix("\n"), let byte = try stderr.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
            banner += String(decoding: byte, as: UTF8.self)
        }
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }, "\(banner)")
        let client = TemporaryDirectory("threadline-mcp-serve-client")
        let output = try await ProcessRunner.run(
            ["--backend", "assistants", "--base-url", String(url)], lines: ["Rest a moment."],
            environment: ["THREADLINE_HOME": client.path, "OPENAI_API_KEY": "", "THREADLINE_YES": "", "THREADLINE_BACKEND": ""])
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        let notices = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "Rested.\n")
        #expect(!output.stderr.contains("fixture__sleep"), "the client never sees the call: \(output.stderr)")
        let first = try #require(model.requests("POST", "/v1/chat/completions").first)
        #expect(first.body.contains(#""name":"fixture__sleep""#))
        if yes {
            #expect(toolOutputs(model) == ["slept 0.0"])
        } else {
            #expect(toolOutputs(model) == [#"{"error":"the user declined this call"}"#])
            #expect(notices.contains("declined fixture__sleep: it needs approval"), "\(notices)")
        }
    }

    @Test func invalidMCPFileStopsStartUpNamingFileAndEntry() async throws {
        try writeConfig(mcp: #"{"mcpServers": {"time": {"command": "x", "tool_timeout": -1}}}"#)
        let output = try await run(["hello"], nil)
        #expect(output.status != 0)
        #expect(output.stderr.contains("\(config.file("mcp.json")): server 'time': \"tool_timeout\" must be a positive number of seconds"))
    }
}
