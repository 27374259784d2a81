import Foundation
import Testing
import ThreadlineCore

@testable import Tools

@Suite("MCPConfiguration")
struct MCPConfigurationTests {
    private let file = "/home/me/.config/threadline/mcp.json"

    private func parse(_ text: String, directory: String? = nil) throws -> MCPConfiguration {
        try MCPConfiguration.parse(Data(text.utf8), file: file, directory: directory)
    }

    private func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsClaudeDesktopShapeForStdioServers() throws {
        let configuration = try parse(
            #"""
            {"mcpServers": {
              "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone", "UTC"], "env": {"TZ": "UTC"}},
              "files": {"command": "./files.sh", "cwd": "data", "enabled": false, "approval": "auto",
                        "startup_timeout": 2.5, "tool_timeout": 60, "disabled_tools": ["delete"]}
            }}
            """#, directory: "/etc/threadline")
        #expect(configuration.servers.map(\.name) == ["files", "time"])
        let files = configuration.servers[0]
        #expect(files.transport == .stdio(command: "/etc/threadline/files.sh", args: [], env: [:], cwd: "/etc/threadline/data"))
        #expect(!files.enabled)
        #expect(files.approval == .auto)
        #expect(files.startupTimeout == .milliseconds(2500))
        #expect(files.toolTimeout == .seconds(60))
        #expect(files.offers("read") && !files.offers("delete"))
        let time = configuration.servers[1]
        #expect(
            time.transport == .stdio(command: "uvx", args: ["mcp-server-time", "--local-timezone", "UTC"], env: ["TZ": "UTC"], cwd: nil))
        #expect(time.enabled && time.approval == .ask && time.startupTimeout == .seconds(10) && time.toolTimeout == nil)
    }

    @Test func readsStreamableHTTPServersAndToolAllowList() throws {
        let configuration = try parse(
            #"{"mcpServers": {"notes": {"url": "http://127.0.0.1:8000/mcp", "headers": {"Authorization": "Bearer t"}, "enabled_tools": ["find"]}}}"#
        )
        let notes = try #require(configuration.servers.first)
        #expect(notes.transport == .http(url: "http://127.0.0.1:8000/mcp", headers: ["Authorization": "Bearer t"]))
        #expect(notes.offers("find") && !notes.offers("write"))
    }

    @Test(arguments: [
        (#"[]"#, "mcp.json: not a JSON object"),
        (#"{"servers": {}}"#, "unknown key 'servers' (expected \"mcpServers\")"),
        (#"{"mcpServers": []}"#, "expected an \"mcpServers\" object"),
        (#"{"mcpServers": {"t": "uvx"}}"#, "server 't': expected an object"),
        (#"{"mcpServers": {"t": {}}}"#, "server 't': needs \"command\""),
        (#"{"mcpServers": {"t": {"command": "a", "url": "http://x/mcp"}}}"#, "server 't': give either"),
        (#"{"mcpServers": {"t": {"command": ["a"]}}}"#, "server 't': \"command\" must be a string"),
        (#"{"mcpServers": {"t": {"command": "a", "args": "b"}}}"#, "server 't': \"args\" must be an array of strings"),
        (#"{"mcpServers": {"t": {"command": "a", "env": {"A": 1}}}}"#, "server 't': \"env\" must be an object of strings"),
        (#"{"mcpServers": {"t": {"url": "ftp://x"}}}"#, "server 't': \"url\" must be an http(s) URL"),
        (#"{"mcpServers": {"t": {"command": "a", "startup_timeout": 0}}}"#, "server 't': \"startup_timeout\" must be a positive number"),
        // 1e300 overflowed the clock and trapped (the timeouts of tools.json were already clamped).
        (
            #"{"mcpServers": {"t": {"command": "a", "tool_timeout": 1e300}}}"#,
            "server 't': \"tool_timeout\" must be a positive number of seconds, at most 86400"
        ),
        (#"{"mcpServers": {"t": {"command": "a", "approval": "never"}}}"#, "server 't': \"approval\" must be \"ask\" or \"auto\""),
        (#"{"mcpServers": {"t": {"command": "a", "enabled": "yes"}}}"#, "server 't': \"enabled\" must be true or false"),
        (#"{"mcpServers": {"t": {"command": "a", "autostart": true}}}"#, "server 't': unknown key 'autostart'"),
        (#"{"mcpServers": {"a b": {"command": "a"}}}"#, "server 'a b': a server name may only hold"),
    ])
    func rejectsWithOneLineNamingFileAndEntry(text: String, message: String) {
        let described = error(text)
        #expect(described.hasPrefix(file + ": "))
        #expect(described.contains(message))
        #expect(!described.contains("\n"))
    }

    @Test func exposedNamesAreSanitisedAndCapped() {
        #expect(MCPTool.exposedName(server: "time", tool: "get_current_time") == "time__get_current_time")
        #expect(MCPTool.exposedName(server: "fs", tool: "read.file/v2 ü") == "fs__read_file_v2__")
        let long = MCPTool.exposedName(server: "s", tool: String(repeating: "x", count: 100))
        #expect(long.count == 64 && long.hasPrefix("s__xxx"))
    }

    @Test func commandToolsAskByDefaultAndMayBeAuto() throws {
        let configuration = try ToolsConfiguration.parse(
            Data(#"{"tools": {"a": {"command": ["a"]}, "b": {"command": ["b"], "approval": "auto", "env": {"K": "v"}}}}"#.utf8),
            file: "tools.json")
        guard case .command(let a) = configuration.providers["a"], case .command(let b) = configuration.providers["b"] else {
            Issue.record("expected command providers")
            return
        }
        #expect(a.approval == .ask && a.env.isEmpty)
        #expect(b.approval == .auto && b.env == ["K": "v"])
    }
}
