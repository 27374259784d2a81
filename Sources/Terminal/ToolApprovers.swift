import Foundation
import Synchronization
import ThreadlineCore

/// Piped and one-shot runs cannot ask: every call that needs approval is declined, with a
/// notice on stderr saying how to allow it.
public struct DeclineAll: ToolApprover {
    let renderer: Renderer

    public init(renderer: Renderer) { self.renderer = renderer }

    public func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict] {
        for call in calls {
            renderer.notice("declined \(call.name): it needs approval, which only the REPL can give (--yes or THREADLINE_YES=1 allows it)")
        }
        return calls.map { _ in .decline }
    }
}

/// The REPL asks about each call in turn: tool, server, arguments pretty-printed, and the
/// server's hints; `y` runs it, `n` declines it, `a` allows the tool for the rest of the
/// session, `e` edits the arguments in `$VISUAL`/`$EDITOR` first.
public final class TerminalApprover: ToolApprover, @unchecked Sendable {
    // The reader is only used from the turn's task, one read at a time, while the REPL waits.
    private let reader: any LineReader
    private let renderer: Renderer
    private let allowed = Mutex<Set<String>>([])

    public init(reader: any LineReader, renderer: Renderer) {
        self.reader = reader
        self.renderer = renderer
    }

    public func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict] {
        var verdicts: [ApprovalVerdict] = []
        for (call, tool) in zip(calls, tools) {
            verdicts.append(await ask(call, tool: tool))
        }
        return verdicts
    }

    private func ask(_ call: ToolCallRequest, tool: (any Tool)?) async -> ApprovalVerdict {
        if allowed.withLock({ $0.contains(call.name) }) { return .run(arguments: call.arguments) }
        var arguments = call.arguments
        renderer.info("\(call.name) (\(tool?.provider ?? "unknown tool")) wants to run with:")
        renderer.info(Self.pretty(arguments))
        if let hints = tool?.approvalHints { renderer.notice(hints) }
        while true {
            switch await read(prompt: "run it? [y]es [n]o [a]lways [e]dit: ") {
            case .line(let answer), .continued(let answer):
                switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return .run(arguments: arguments)
                case "n", "no": return .decline
                case "a", "always":
                    allowed.withLock { _ = $0.insert(call.name) }
                    renderer.notice("\(call.name) runs without asking for the rest of this session")
                    return .run(arguments: arguments)
                case "e", "edit":
                    arguments = edited(arguments)
                    renderer.info(Self.pretty(arguments))
                default: renderer.error("answer y, n, a or e")
                }
            case .edit:
                arguments = edited(arguments)
                renderer.info(Self.pretty(arguments))
            case .interrupted, .endOfInput, .invalidEncoding:
                return .decline
            }
        }
    }

    /// The arguments after the editor; unchanged when the edit is empty or not a JSON object.
    private func edited(_ arguments: String) -> String {
        do {
            guard let text = try ExternalEditor(environment: ProcessInfo.processInfo.environment).edit(Self.pretty(arguments)) else {
                return arguments
            }
            guard let object = try? JSONValue.parse(text), object.objectValue != nil else {
                renderer.error("the edited arguments are not a JSON object; keeping the previous ones")
                return arguments
            }
            return object.jsonText
        } catch {
            renderer.error("\(error)")
            return arguments
        }
    }

    /// Reads on a separate thread, as the REPL does: libedit blocks.
    private func read(prompt: String) async -> LineInput {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: reader.readLine(prompt: prompt)) }
        }
    }

    /// Arguments JSON indented with sorted keys; as written when it is not valid JSON.
    static func pretty(_ arguments: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return arguments }
        return String(decoding: data, as: UTF8.self)
    }
}
