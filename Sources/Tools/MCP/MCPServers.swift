import Foundation
import ThreadlineCore

/// The servers of mcp.json for one session: started together at launch, stopped together on exit.
public struct MCPServers: Sendable {
    public let servers: [MCPServer]

    public init(configuration: MCPConfiguration, logDirectory: String, environment: [String: String]) {
        servers = configuration.servers.map { MCPServer(configuration: $0, logDirectory: logDirectory, environment: environment) }
    }

    /// Starts every server concurrently; returns when each is ready, failed or past its
    /// `startup_timeout`. `started` gets each server as soon as it is one or the other.
    public func startAll(started: (@Sendable (MCPServer) -> Void)? = nil) async {
        // The SDK writes to a server's stdin from any thread; a server that has exited must
        // give those writes EPIPE, not end Threadline with SIGPIPE. (Servers and other children
        // are spawned with default signal handling.)
        if !servers.isEmpty { signal(SIGPIPE, SIG_IGN) }
        await withTaskGroup(of: Void.self) { group in
            for server in servers {
                group.addTask {
                    await server.start()
                    started?(server)
                }
            }
        }
    }

    /// What to say once `server` has started: its failure as an error, or the tools it brings.
    public static func startedLine(_ server: MCPServer) -> (isError: Bool, text: String)? {
        switch server.status.state {
        case .failed(let message): (true, "MCP server '\(server.name)': \(message)")
        case .ready: (false, "MCP server '\(server.name)' ready: \(server.status.tools.count) tools")
        default: nil
        }
    }

    /// Stops every server (and what each started); nothing is left running.
    public func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { await server.stop() } }
        }
    }

    public func server(named name: String) -> MCPServer? {
        servers.first { $0.name == name }
    }

    /// One line per server that failed to start, naming it.
    public var failures: [String] {
        servers.compactMap { server in Self.startedLine(server).flatMap { $0.isError ? $0.text : nil } }
    }

    /// The tools of the ready servers, in server order. A tool whose exposed name is taken
    /// (by `taken` or an earlier tool) is left out with a notice.
    public func tools(excluding taken: Set<String>) -> (tools: [MCPTool], notices: [String]) {
        var names = taken
        var tools: [MCPTool] = []
        var notices: [String] = []
        for server in servers {
            for remote in server.status.tools {
                let tool = MCPTool(server: server, tool: remote)
                guard names.insert(tool.name).inserted else {
                    notices.append("MCP server '\(server.name)': tool '\(remote.name)' left out: the name \(tool.name) is taken")
                    continue
                }
                tools.append(tool)
            }
        }
        return (tools, notices)
    }

    /// `/mcp`: one line per server with its state, tool count and last error.
    public var statusLines: [String] {
        servers.map { server in
            let status = server.status
            let transport: String
            switch server.configuration.transport {
            case .stdio(let command, _, _, _): transport = "stdio \((command as NSString).lastPathComponent)"
            case .http(let url, _): transport = url
            }
            return "\(server.name)  \(status.state.description)  \(status.tools.count) tools  \(transport)"
                + (status.lastError.map { "  last error: \($0)" } ?? "")
        }
    }
}
