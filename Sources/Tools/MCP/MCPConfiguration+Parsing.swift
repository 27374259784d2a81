import Foundation
import ThreadlineCore

extension MCPConfiguration {
    /// The keys a server entry may have.
    public static let serverKeys = [
        "command", "args", "env", "cwd", "url", "headers", "type", "enabled", "startup_timeout", "tool_timeout", "enabled_tools",
        "disabled_tools", "approval",
    ]

    /// Parses and validates the file's contents; errors name `file` and the bad entry. A relative
    /// `cwd` or command path ("./server.py") is taken from `directory`, the one holding the file.
    public static func parse(_ data: Data, file: String, directory: String? = nil) throws -> MCPConfiguration {
        guard let members = (try? JSONValue.parse(data))?.objectValue else {
            throw ConfigurationError("\(file): not a JSON object")
        }
        if let unknown = members.keys.sorted().first(where: { $0 != "mcpServers" }) {
            throw ConfigurationError("\(file): unknown key '\(unknown)' (expected \"mcpServers\")")
        }
        guard case .object(let entries)? = members["mcpServers"] else {
            throw ConfigurationError("\(file): expected an \"mcpServers\" object mapping server names to their settings")
        }
        return MCPConfiguration(
            servers: try entries.keys.sorted().map { name in
                try server(name, entries[name]!, context: "\(file): server '\(name)'", directory: directory)
            })
    }

    private static func server(_ name: String, _ value: JSONValue, context: String, directory: String?) throws -> Server {
        guard case .object(let fields) = value else {
            throw ConfigurationError("\(context): expected an object with \"command\" or \"url\"")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ConfigurationError("\(context): a server name may only hold letters, digits, '_' and '-'")
        }
        if let unknown = fields.keys.sorted().first(where: { !serverKeys.contains($0) }) {
            throw ConfigurationError("\(context): unknown key '\(unknown)' (known: \(serverKeys.joined(separator: ", ")))")
        }
        let read = ConfigFields(fields: fields, context: context)
        let transport: Server.Transport
        switch (fields["command"], fields["url"]) {
        case (.some, .some):
            throw ConfigurationError("\(context): give either \"command\" (stdio) or \"url\" (Streamable HTTP), not both")
        case (.some, nil):
            guard var command = try read.string("command"), !command.isEmpty else {
                throw ConfigurationError("\(context): \"command\" must be a non-empty string")
            }
            var cwd = try read.string("cwd")
            if let directory {
                if command.contains("/"), !command.hasPrefix("/") { command = Self.resolve(command, in: directory) }
                if let relative = cwd, !relative.hasPrefix("/") { cwd = Self.resolve(relative, in: directory) }
            }
            transport = .stdio(command: command, args: try read.strings("args") ?? [], env: try read.stringMap("env"), cwd: cwd)
        case (nil, .some):
            guard let text = try read.string("url"), let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""),
                url.host?.isEmpty == false
            else {
                throw ConfigurationError("\(context): \"url\" must be an http(s) URL such as http://127.0.0.1:8000/mcp")
            }
            transport = .http(url: text, headers: try read.stringMap("headers"))
        case (nil, nil):
            throw ConfigurationError("\(context): needs \"command\" (a stdio server) or \"url\" (a Streamable HTTP server)")
        }
        if fields["enabled"] != nil, fields["enabled"]?.boolValue == nil {
            throw ConfigurationError("\(context): \"enabled\" must be true or false")
        }
        return Server(
            name: name, transport: transport, enabled: fields["enabled"]?.boolValue ?? true,
            startupTimeout: try read.seconds("startup_timeout") ?? .seconds(10), toolTimeout: try read.seconds("tool_timeout"),
            enabledTools: try read.strings("enabled_tools"), disabledTools: try read.strings("disabled_tools") ?? [],
            approval: try read.approval() ?? .ask)
    }

    private static func resolve(_ path: String, in directory: String) -> String {
        URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path).standardized.path
    }
}
