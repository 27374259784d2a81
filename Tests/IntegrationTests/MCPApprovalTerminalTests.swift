import Foundation
import TestSupport
import Testing
import ThreadlineCore

/// The approval prompt in a real terminal (tmux): the Chat Completions fake asks for the real
/// `mcp-server-time`'s tool, and each answer (y, n, e, a) reaches the model as that call's output.
@Suite(.serialized, .enabled(if: MCPFixtures.installed && TmuxSession.executable != nil, "needs tmux and the test venv (make test)"))
struct MCPApprovalTerminalTests {
    let home = TemporaryDirectory("threadline-mcp-approval")
    let config = TemporaryDirectory("threadline-mcp-approval-config")

    private static func time(_ zone: String) -> ToolCallRequest {
        ToolCallRequest(id: "call_\(zone)", name: "time__get_current_time", arguments: #"{"timezone":"\#(zone)"}"#)
    }

    /// The tool outputs of the model's request number `index`.
    private func toolOutputs(_ server: FakeHTTPServer, request index: Int) -> [String] {
        let requests = server.requests("POST", "/v1/chat/completions")
        guard requests.count > index, let messages = requests[index].json?["messages"]?.arrayValue else { return [] }
        return messages.filter { $0["role"]?.stringValue == "tool" }.compactMap { $0["content"]?.stringValue }
    }

    @Test func yesNoEditAndAlwaysEachReachTheModel() async throws {
        try MCPFixtures.configuration([("time", MCPFixtures.timeServer, [], "")])
            .write(toFile: config.file("mcp.json"), atomically: true, encoding: .utf8)
        // The "editor" rewrites the arguments to another time zone.
        let editor = config.file("edit.sh")
        try "#!/bin/sh\nprintf '{\"timezone\": \"Asia/Tokyo\"}' > \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/chat/completions",
            .sse(ChatCompletionsStreamFixture.calls([Self.time("Asia/Seoul"), Self.time("Europe/Berlin"), Self.time("UTC")])),
            .sse(ChatCompletionsStreamFixture.text(["first turn done"])), .sse(ChatCompletionsStreamFixture.calls([Self.time("UTC")])),
            .sse(ChatCompletionsStreamFixture.text(["second turn done"])), .sse(ChatCompletionsStreamFixture.calls([Self.time("UTC")])),
            .sse(ChatCompletionsStreamFixture.text(["third turn done"])))
        let command =
            "env -u TMUX THREADLINE_HOME='\(home.path)' OPENAI_API_KEY= VISUAL='\(editor)' '\(ProcessRunner.threadlineBinary)' "
            + "--config '\(config.path)' --backend chat --base-url \(server.baseURL)/v1 --no-history"
        let session = try TmuxSession(command: command, width: 120, height: 50)
        // The server starts behind the prompt; its tools join once it says it is ready.
        try await session.waitFor(seconds: 60) { $0.contains("MCP server 'time' ready: 2 tools") }
        try session.type("What time is it?")
        try session.press("Enter")
        for (count, answer) in [(1, "y"), (2, "n"), (3, "e")] {
            try await waitForPrompt(session, count: count)
            try session.type(answer)
            try session.press("Enter")
        }
        // After the edit the question comes again, with the edited arguments shown.
        let edited = try await waitForPrompt(session, count: 4)
        #expect(edited.contains(#""timezone" : "Asia/Tokyo""#), "\(edited)")
        try session.type("y")
        try session.press("Enter")
        try await session.waitFor { $0.contains("first turn done") }
        let first = toolOutputs(server, request: 1)
        #expect(first.count == 3, "\(first)")
        #expect(first.first?.contains("Asia/Seoul") == true)
        #expect(first.dropFirst().first == #"{"error":"the user declined this call"}"#)
        #expect(first.last?.contains("Asia/Tokyo") == true, "\(first)")
        // "a" allows the tool for the session: the third turn's call runs without a question.
        try session.type("again")
        try session.press("Enter")
        try await waitForPrompt(session, count: 5)
        try session.type("a")
        try session.press("Enter")
        try await session.waitFor { $0.contains("second turn done") }
        try session.type("once more")
        try session.press("Enter")
        try await session.waitFor { $0.contains("third turn done") }
        let all = try session.history()
        #expect(Self.prompts(all) == 5, "\(all)")
        #expect(toolOutputs(server, request: 5).last?.contains("UTC") == true)
        try session.press("C-d")
    }

    @Test func aSlowServerDoesNotHoldThePromptAndItsToolsJoinWhenReady() async throws {
        // The server starts only once the test creates `go`: it cannot be ready while the prompt is up.
        let go = config.file("go")
        let slow = "while [ ! -e '\(go)' ]; do sleep 0.1; done; exec '\(MCPFixtures.python)' '\(MCPFixtures.fixtureServer)'"
        try MCPFixtures.configuration([("slow", "/bin/sh", ["-c", slow], #""approval": "auto""#)])
            .write(toFile: config.file("mcp.json"), atomically: true, encoding: .utf8)
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/chat/completions",
            .sse(ChatCompletionsStreamFixture.calls([ToolCallRequest(id: "call_s", name: "slow__sleep", arguments: #"{"seconds": 0}"#)])),
            .sse(ChatCompletionsStreamFixture.text(["joined in"])))
        let command =
            "env -u TMUX THREADLINE_HOME='\(home.path)' OPENAI_API_KEY= '\(ProcessRunner.threadlineBinary)' "
            + "--config '\(config.path)' --backend chat --base-url \(server.baseURL)/v1 --no-history"
        let session = try TmuxSession(command: command, width: 120, height: 50)
        try await session.enter("/mcp")
        let starting = try await session.waitFor { $0.contains("slow  starting  0 tools") }
        #expect(starting.contains("slow  starting  0 tools"), "\(starting)")
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        let ready = try await session.waitFor(seconds: 60) { $0.contains("MCP server 'slow' ready: 5 tools") }
        #expect(ready.contains("MCP server 'slow' ready: 5 tools"), "\(ready)")
        // The notice was written under the prompt line; the editor still waits for a line.
        try session.type("/tools")
        try session.press("Enter")
        let tools = try await session.waitFor { $0.contains("slow__sleep") }
        #expect(tools.contains("slow__sleep") && tools.contains("mcp:slow"), "\(tools)")
        try await session.enter("Rest a moment.")
        let reply = try await session.waitFor { $0.contains("joined in") }
        #expect(reply.contains("joined in"), "\(reply)")
        let first = try #require(server.requests("POST", "/v1/chat/completions").first)
        #expect(first.body.contains(#""name":"slow__sleep""#))
        #expect(toolOutputs(server, request: 1) == ["slept 0.0"])
        try session.press("C-d")
    }

    private static func prompts(_ screen: String) -> Int {
        screen.components(separatedBy: "run it? [y]es [n]o [a]lways [e]dit:").count - 1
    }

    /// Waits (bounded) until the scrollback holds `count` questions and the last one waits for
    /// an answer; returns the scrollback.
    @discardableResult
    private func waitForPrompt(_ session: TmuxSession, count: Int) async throws -> String {
        let deadline = Date().addingTimeInterval(20)
        var last = ""
        while Date() < deadline {
            last = try session.history()
            let trimmed = last.trimmingCharacters(in: .whitespacesAndNewlines)
            if Self.prompts(last) >= count && trimmed.hasSuffix("[e]dit:") { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no question number \(count) in\n\(last)")
        return last
    }
}
