/// Whether a tool's calls run as soon as the model asks, or only once the user agrees.
public enum ToolApproval: String, Sendable, Equatable, CaseIterable {
    /// Shown to the user first (the default for tools that act: MCP and command tools).
    case ask
    /// Runs without asking (the weather tools, which only read).
    case auto
}

/// What the user decided about one call that needed approval.
public enum ApprovalVerdict: Sendable, Equatable {
    /// Run it, with these arguments (the model's, or the user's edit of them).
    case run(arguments: String)
    /// Do not run it; the call's output says the user declined.
    case decline
}

/// Asks about the calls of a step that need approval before any of them runs: the REPL asks
/// the user, piped and one-shot runs decline them or (with `--yes`) allow them.
public protocol ToolApprover: Sendable {
    /// One verdict per call, in order; `tools` gives each call's tool (nil when unknown).
    func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict]
}

/// Allows every call: what `--yes` means.
public struct ApproveAll: ToolApprover {
    public init() {}

    public func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict] {
        calls.map { .run(arguments: $0.arguments) }
    }
}

extension ToolCallResult {
    /// The output of a call the user declined.
    public static func declined(_ call: ToolCallRequest) -> ToolCallResult {
        failure(call, "the user declined this call")
    }
}

extension ToolRunner {
    /// The step's results in call order: calls needing approval go to `approver` first (none:
    /// they run), then every allowed call runs concurrently; a declined call gets the declined output.
    public func run(_ calls: [ToolCallRequest], approver: (any ToolApprover)?) async -> [ToolCallResult] {
        let tools = calls.map { registry.tool(named: $0.name) }
        let asking = calls.indices.filter { tools[$0]?.approval == .ask }
        guard let approver, !asking.isEmpty else { return await run(calls) }
        let verdicts = await approver.review(asking.map { calls[$0] }, tools: asking.map { tools[$0] })
        var allowed = calls
        var declined = Set<Int>()
        for (index, verdict) in zip(asking, verdicts) {
            switch verdict {
            case .run(let arguments): allowed[index].arguments = arguments
            case .decline: declined.insert(index)
            }
        }
        let running = allowed.indices.filter { !declined.contains($0) }
        var results = calls.map(ToolCallResult.declined)
        for (index, result) in zip(running, await run(running.map { allowed[$0] })) {
            results[index] = result
        }
        return results
    }
}
