/// The environment Threadline gives the programs it starts (command tools, MCP servers, the
/// editor): a few variables a program needs to run, never the parent's secrets
/// (`OPENAI_API_KEY`, `THREADLINE_SERVE_KEY`, proxies with credentials, ...).
public enum ChildEnvironment {
    /// Taken over from the parent when it has them.
    public static let kept = ["PATH", "HOME", "LANG", "TERM"]

    /// `kept` from `parent`, then `extra` (what the configuration names) on top.
    public static func clean(from parent: [String: String], adding extra: [String: String] = [:]) -> [String: String] {
        var variables = parent.filter { kept.contains($0.key) }
        variables.merge(extra) { _, named in named }
        return variables
    }

    /// `NAME=value` strings, as `posix_spawn` takes them (sorted, so a child sees a stable order).
    public static func entries(_ variables: [String: String]) -> [String] {
        variables.keys.sorted().map { "\($0)=\(variables[$0]!)" }
    }
}
