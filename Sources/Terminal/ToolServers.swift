/// The servers some tools come from (MCP), as `/mcp` sees them.
public protocol ToolServers: Sendable {
    /// One line per server: state, tool count, last error.
    var statusLines: [String] { get }
    /// Stops the server `name` and starts it again; throws when there is no such server.
    func restart(_ name: String) async throws
}
