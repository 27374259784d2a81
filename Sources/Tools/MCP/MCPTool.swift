import AssistantsWire
import Foundation
import MCP
import ThreadlineCore

/// One tool of an MCP server, offered to the model as `SERVER__TOOL`.
public struct MCPTool: ThreadlineCore.Tool {
    public let name: String
    /// The tool's name on its server.
    public let remoteName: String
    public let server: MCPServer
    public let definition: FunctionDefinition
    /// What the server says about the tool (`readOnlyHint`, `destructiveHint`), shown when asking.
    public let approvalHints: String?

    public var provider: String { "mcp:\(server.name)" }
    public var parametersSchema: String { definition.parameters?.jsonText ?? "{}" }
    public var approval: ToolApproval { server.configuration.approval }
    public var timeout: Duration? { server.configuration.toolTimeout }

    public var unavailableReason: String? {
        let status = server.status
        return status.state == .ready ? nil : status.lastError ?? status.state.description
    }

    public init(server: MCPServer, tool: MCP.Tool) {
        self.server = server
        self.remoteName = tool.name
        name = Self.exposedName(server: server.name, tool: tool.name)
        let schema = (try? JSONValue.parse(JSONEncoder().encode(tool.inputSchema))) ?? .object(["type": "object"])
        definition = FunctionDefinition(name: name, description: tool.description ?? tool.title, parameters: schema)
        let flags = [
            tool.annotations.readOnlyHint == true ? "read-only" : nil, tool.annotations.destructiveHint == true ? "destructive" : nil,
        ]
        .compactMap { $0 }
        approvalHints = flags.isEmpty ? nil : "server says: " + flags.joined(separator: ", ")
    }

    public func call(arguments: [String: JSONValue]) async throws -> String {
        try await server.call(remoteName, arguments: arguments)
    }

    /// `SERVER__TOOL` with every character outside `[a-zA-Z0-9_-]` made `_`, at most 64 long
    /// (what the OpenAI APIs accept as a function name).
    public static func exposedName(server: String, tool: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        return String(String((server + "__" + tool).map { allowed.contains($0) ? $0 : "_" }).prefix(64))
    }
}
