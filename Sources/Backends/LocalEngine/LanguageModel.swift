import AssistantsWire

/// A model behind the local engine: given the conversation, it streams text and/or asks for
/// tool calls. The engine turns this into Assistants runs, steps and messages.
public protocol LanguageModel: Sendable {
    /// Shown to the user; a demo model says so here.
    var displayName: String { get }
    /// The model that answers whatever model a run names (the demo's); nil when the run's model does.
    var answeringModel: String? { get }
    func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error>
}

extension LanguageModel {
    public var answeringModel: String? { nil }
}

/// Everything a model gets for one step of a run.
public struct ModelRequest: Sendable, Equatable {
    public var model: String
    public var instructions: String
    public var tools: [FunctionDefinition]
    public var turns: [ModelTurn]
    /// False asks for at most one tool call per step (the run's `parallel_tool_calls`).
    public var parallelToolCalls: Bool

    public init(
        model: String, instructions: String, tools: [FunctionDefinition], turns: [ModelTurn],
        parallelToolCalls: Bool = true
    ) {
        self.model = model
        self.instructions = instructions
        self.tools = tools
        self.turns = turns
        self.parallelToolCalls = parallelToolCalls
    }
}

/// One entry of the conversation a model sees.
public enum ModelTurn: Sendable, Equatable {
    case user(String)
    case assistant(String)
    /// Calls the model made in one step, each with the output that was submitted.
    case toolCalls([ToolCall])
}

/// What a model streams back.
public enum ModelOutput: Sendable, Equatable {
    case textDelta(String)
    /// A complete call; several in one response are parallel calls of one step. `id` is the
    /// model's own id for the call, kept when given (some providers check the ids they issued).
    case toolCall(name: String, arguments: String, id: String? = nil)
    case usage(Usage)
    /// The model stopped early (e.g. "length"); the run ends incomplete with this reason.
    case incomplete(reason: String)
}
