import ThreadlineCore

/// A tool an assistant may call; Threadline runs `function` tools and passes others through.
public struct ToolDefinition: Codable, Sendable, Equatable {
    public var type: String
    public var function: FunctionDefinition?

    public init(function: FunctionDefinition) {
        self.type = "function"
        self.function = function
    }
}

/// A function tool: its name, what it does, and the JSON schema of its arguments.
public struct FunctionDefinition: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// One function call the model asked for, as it appears in `required_action` and run steps.
public struct ToolCall: Codable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var function: FunctionCall

    public init(id: String, name: String, arguments: String, output: String? = nil) {
        self.id = id
        self.type = "function"
        self.function = FunctionCall(name: name, arguments: arguments, output: output)
    }
}

/// The function part of a tool call: `arguments` is JSON text written by the model.
public struct FunctionCall: Codable, Sendable, Equatable {
    public var name: String
    public var arguments: String
    public var output: String?

    public init(name: String, arguments: String, output: String? = nil) {
        self.name = name
        self.arguments = arguments
        self.output = output
    }
}

/// One answer in a `submit_tool_outputs` request.
public struct ToolOutput: Codable, Sendable, Equatable {
    public var toolCallID: String
    public var output: String

    public init(toolCallID: String, output: String) {
        self.toolCallID = toolCallID
        self.output = output
    }

    enum CodingKeys: String, CodingKey {
        case toolCallID = "tool_call_id"
        case output
    }
}
