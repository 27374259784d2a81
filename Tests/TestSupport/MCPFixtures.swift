import Foundation

/// The MCP servers the tests start, from the test venv (`make venv`).
public enum MCPFixtures {
    /// The venv's Python, with the official `mcp` SDK installed.
    public static let python = packageRoot + "/.venv/bin/python3"
    /// The official `mcp-server-time` (PyPI), a stdio server nobody here wrote.
    public static let timeServer = packageRoot + "/.venv/bin/mcp-server-time"
    /// Our stdio server on the official SDK (Tests/Fixtures/mcp_fixture_server.py).
    public static let fixtureServer = packageRoot + "/Tests/Fixtures/mcp_fixture_server.py"

    /// False when the venv lacks the servers (run `make venv`; `make test` does).
    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: timeServer)
            && FileManager.default.fileExists(atPath: packageRoot + "/.venv/bin/python3")
    }

    /// mcp.json text for `servers`, each `name: (command, args)`, with extra fields per server.
    /// Without a `startup_timeout` of its own a server gets a generous one: a Python server
    /// starts slowly on a loaded machine, and the tests are about other things.
    public static func configuration(_ servers: [(name: String, command: String, args: [String], extra: String)]) -> String {
        let entries = servers.map { server in
            let args = server.args.map { "\"\($0)\"" }.joined(separator: ", ")
            var fields = ["\"command\": \"\(server.command)\"", "\"args\": [\(args)]"]
            if !server.extra.contains("startup_timeout") { fields.append("\"startup_timeout\": 120") }
            if !server.extra.isEmpty { fields.append(server.extra) }
            return "\"\(server.name)\": {" + fields.joined(separator: ", ") + "}"
        }
        return "{\"mcpServers\": {" + entries.joined(separator: ", ") + "}}"
    }
}
