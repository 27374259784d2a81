/// A function call the model asked for in one tool step.
public struct ToolCallRequest: Sendable, Equatable {
    public var id: String
    public var name: String
    /// JSON text as the model wrote it; may be invalid.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// The answer to one tool call, sent back to the backend.
public struct ToolCallOutput: Sendable, Equatable {
    public var toolCallID: String
    public var output: String

    public init(toolCallID: String, output: String) {
        self.toolCallID = toolCallID
        self.output = output
    }
}

/// Token counts reported by a backend.
public struct TokenUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            inputTokens: lhs.inputTokens.saturatingAdding(rhs.inputTokens),
            outputTokens: lhs.outputTokens.saturatingAdding(rhs.outputTokens))
    }
}

extension Int {
    /// `self + other`, held at `Int.max` or `Int.min` instead of trapping: token counts come from
    /// servers, and a hostile one must not crash the process that adds them up.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

/// How a run ended.
public enum RunOutcome: Sendable, Equatable {
    case completed
    case cancelled
    case failed(String)
    case incomplete(String)
    case expired

    /// True when the run failed, was cut short or expired (not when it completed or was cancelled).
    public var isFailure: Bool {
        self != .completed && self != .cancelled
    }

    /// A one-line reason for anything but success.
    public var problem: String? {
        switch self {
        case .completed: nil
        case .cancelled: "run cancelled"
        case .failed(let reason): "run failed: \(reason)"
        case .incomplete(let reason): "run incomplete: \(reason)"
        case .expired: "run expired before the tool outputs arrived"
        }
    }
}

/// What every backend translates its protocol into; the RunDriver consumes nothing else.
public enum RunEvent: Sendable, Equatable {
    /// The backend created the run; `runID` is needed to submit outputs or cancel.
    case started(runID: String)
    case textDelta(String)
    /// The run waits for the outputs of these calls, all of one step.
    case toolCallsRequired([ToolCallRequest])
    case usage(TokenUsage)
    case finished(RunOutcome)
}
