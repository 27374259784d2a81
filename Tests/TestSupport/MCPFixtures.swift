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
    public static func configuration(_ servers: [(name: String, command: String, args: [String], extra: String)]) -> String {
        let entries = servers.map { server in
            let args = server.args.map { "\"\($0)\"" }.joined(separator: ", ")
            return
                "\"\(server.name)\": {\"command\": \"\(server.command)\", \"args\": [\(args)]\(server.extra.isEmpty ? "" : ", " + server.extra)}"
        }
        return "{\"mcpServers\": {" + entries.joined(separator: ", ") + "}}"
    }
}
