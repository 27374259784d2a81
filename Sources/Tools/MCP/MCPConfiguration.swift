import Foundation
import ThreadlineCore

/// `mcp.json` beside `tools.json`: the MCP servers whose tools the model gets, in the
/// `mcpServers` shape other clients use.
///
/// ```json
/// {
///   "mcpServers": {
///     "time": { "command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}, "approval": "auto" },
///     "notes": { "url": "http://127.0.0.1:8000/mcp", "headers": {"Authorization": "Bearer …"}, "tool_timeout": 60 }
///   }
/// }
/// ```
public struct MCPConfiguration: Sendable, Equatable {
    /// One entry of `mcpServers`.
    public struct Server: Sendable, Equatable {
        /// How Threadline reaches the server.
        public enum Transport: Sendable, Equatable {
            /// A program we start, speaking newline-delimited JSON-RPC on its stdin and stdout.
            case stdio(command: String, args: [String], env: [String: String], cwd: String?)
            /// A Streamable HTTP endpoint.
            case http(url: String, headers: [String: String])
        }

        public var name: String
        public var transport: Transport
        public var enabled: Bool
        /// How long the handshake and the tool list may take.
        public var startupTimeout: Duration
        /// Per call; nil means the session's `--tool-timeout`.
        public var toolTimeout: Duration?
        /// When given, only these tools are offered.
        public var enabledTools: [String]?
        /// Never offered.
        public var disabledTools: [String]
        public var approval: ToolApproval

        public init(
            name: String, transport: Transport, enabled: Bool = true, startupTimeout: Duration = .seconds(10),
            toolTimeout: Duration? = nil, enabledTools: [String]? = nil, disabledTools: [String] = [],
            approval: ToolApproval = .ask
        ) {
            self.name = name
            self.transport = transport
            self.enabled = enabled
            self.startupTimeout = startupTimeout
            self.toolTimeout = toolTimeout
            self.enabledTools = enabledTools
            self.disabledTools = disabledTools
            self.approval = approval
        }

        /// Whether the server's tool `name` is offered to the model.
        public func offers(_ tool: String) -> Bool {
            !disabledTools.contains(tool) && (enabledTools?.contains(tool) ?? true)
        }
    }

    /// Sorted by name.
    public var servers: [Server]

    public init(servers: [Server] = []) {
        self.servers = servers
    }
}
