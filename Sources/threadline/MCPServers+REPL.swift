import Terminal
import ThreadlineCore
import Tools

/// `/mcp` and `/mcp restart NAME` in the REPL.
extension MCPServers: ToolServers {
    public func restart(_ name: String) async throws {
        guard let server = server(named: name) else {
            throw ToolError("no MCP server '\(name)' (known: \(servers.map(\.name).joined(separator: ", ")))")
        }
        await server.restart()
    }
}
