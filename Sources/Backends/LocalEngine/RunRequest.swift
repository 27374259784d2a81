import AssistantsWire
import ThreadlineCore

/// The parameters of a new run; nil fields fall back to the assistant's.
public struct RunRequest: Sendable, Equatable {
    public var assistantID: String
    public var instructions: String?
    public var additionalInstructions: String?
    public var model: String?
    public var tools: [ToolDefinition]?
    /// `"none"`, `"auto"`, `"required"` or a named function, as the API takes it.
    public var toolChoice: JSONValue?
    public var parallelToolCalls: Bool?
    public var metadata: [String: String]?

    public init(
        assistantID: String, instructions: String? = nil, additionalInstructions: String? = nil,
        model: String? = nil, tools: [ToolDefinition]? = nil, toolChoice: JSONValue? = nil,
        parallelToolCalls: Bool? = nil, metadata: [String: String]? = nil
    ) {
        self.assistantID = assistantID
        self.instructions = instructions
        self.additionalInstructions = additionalInstructions
        self.model = model
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.metadata = metadata
    }
}
