import AssistantsWire
import ThreadlineCore

/// Tools that join a session after it began (MCP servers that become ready while the REPL
/// already runs): asked at the start of each run, which offers them beside the assistant's own.
public typealias JoiningTools = @Sendable () -> [FunctionDefinition]

/// The tools a run offers: `base` and those joined so far (a name `base` has stays `base`'s);
/// nil while none joined, so the assistant's own tools apply as they are.
func runTools(_ base: [ToolDefinition]?, joining: JoiningTools?) -> [ToolDefinition]? {
    guard let joined = joining?(), !joined.isEmpty else { return nil }
    let taken = Set((base ?? []).compactMap(\.function?.name))
    return (base ?? []) + joined.filter { !taken.contains($0.name) }.map { ToolDefinition(function: $0) }
}

/// A backend whose runs offer tools that joined after it was opened.
public protocol ToolJoiningBackend: ChatBackend {
    /// Each run also offers the tools `tools` gives at its start.
    func setJoiningTools(_ tools: @escaping JoiningTools) async
}

extension LocalBackend: ToolJoiningBackend {}
extension ResponsesBackend: ToolJoiningBackend {}
extension AssistantsHTTPBackend: ToolJoiningBackend {}
