import Foundation

/// A function the model can call. Implementations receive the arguments already validated
/// against `parametersSchema`.
public protocol Tool: Sendable {
    var name: String { get }
    /// Where the implementation comes from: "demo", "open-meteo", "command", ...
    var provider: String { get }
    /// The JSON schema of the arguments, as JSON text.
    var parametersSchema: String { get }
    /// Why the tool cannot run now (e.g. its command is not executable); nil when it is ready.
    var unavailableReason: String? { get }
    /// Whether a call runs at once or after the user agrees.
    var approval: ToolApproval { get }
    /// How long one call may take; nil means the session's tool timeout.
    var timeout: Duration? { get }
    /// What the implementation says about the tool's effects, shown when asking (never used to skip asking).
    var approvalHints: String? { get }
    /// Runs the call with the members of the arguments object; the returned text is the tool
    /// output. Errors become `{"error": ...}`.
    func call(arguments: [String: JSONValue]) async throws -> String
}

extension Tool {
    /// Ready unless the implementation says otherwise.
    public var unavailableReason: String? { nil }

    /// Runs without asking unless the implementation says otherwise.
    public var approval: ToolApproval { .auto }

    /// The session's tool timeout unless the implementation has its own.
    public var timeout: Duration? { nil }

    /// No hints unless the implementation has some.
    public var approvalHints: String? { nil }
}

/// A failure a tool reports; its message becomes the call's error output.
public struct ToolError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The tools of a session, by name, in declaration order, then those that joined since it began.
public struct ToolRegistry: Sendable {
    private let declared: [any Tool]
    /// Tools that join while the session runs (MCP servers becoming ready), asked at each use.
    private let joining: (@Sendable () -> [any Tool])?

    public init(_ tools: [any Tool] = [], joining: (@Sendable () -> [any Tool])? = nil) {
        self.declared = tools
        self.joining = joining
    }

    public var tools: [any Tool] { declared + (joining?() ?? []) }

    public func tool(named name: String) -> (any Tool)? {
        tools.first { $0.name == name }
    }

    public var names: [String] { tools.map(\.name) }
}
