import AssistantsWire
import ThreadlineCore

/// A model whose calls to the tools of `runner` run here, in the engine's process, instead of
/// going back to the run's client: `serve` offers MCP servers' tools this way. Those tools are
/// added to each step's tools (unless the client's tools already use the name); when the model
/// calls them they run, after `approver` (none: they all run), and the model is asked again
/// with their outputs. Text streams through; a step that calls only the client's tools ends as
/// usual. Calls of the client's tools made beside in-process ones are dropped: the model, seeing
/// the outputs, asks for them again.
public struct InProcessToolsModel: LanguageModel {
    public let base: any LanguageModel
    public let definitions: [FunctionDefinition]
    public let runner: ToolRunner
    public let approver: (any ToolApprover)?
    /// How many times one step may go back to the model with in-process outputs.
    public let maxRounds: Int

    public init(
        base: any LanguageModel, definitions: [FunctionDefinition], runner: ToolRunner, approver: (any ToolApprover)?,
        maxRounds: Int = 8
    ) {
        self.base = base
        self.definitions = definitions
        self.runner = runner
        self.approver = approver
        self.maxRounds = maxRounds
    }

    public var displayName: String { base.displayName }

    public func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        .producing { continuation in
            var request = request
            let taken = Set(request.tools.map(\.name))
            let added = definitions.filter { !taken.contains($0.name) }
            let inProcess = Set(added.map(\.name))
            request.tools += added
            for round in 1...maxRounds {
                var calls: [ToolCallRequest] = []
                var clientCalls: [ModelOutput] = []
                for try await output in base.respond(to: request) {
                    switch output {
                    case .toolCall(let name, let arguments, let id) where inProcess.contains(name):
                        calls.append(ToolCallRequest(id: id ?? "call_in_process_\(round)_\(calls.count)", name: name, arguments: arguments))
                    case .toolCall:
                        clientCalls.append(output)
                    default:
                        continuation.yield(output)
                    }
                }
                guard !calls.isEmpty else {
                    clientCalls.forEach { continuation.yield($0) }
                    return
                }
                let results = await runner.run(calls, approver: approver)
                request.turns.append(
                    .toolCalls(zip(calls, results).map { ToolCall(id: $0.id, name: $0.name, arguments: $0.arguments, output: $1.output) }))
            }
            continuation.yield(.incomplete(reason: "max_tool_rounds"))
        }
    }
}
