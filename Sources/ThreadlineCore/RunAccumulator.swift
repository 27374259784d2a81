/// The state of one run built from its events: a pure reducer, tested without any I/O.
public struct RunAccumulator: Sendable, Equatable {
    public private(set) var runID: String?
    public private(set) var text = ""
    public private(set) var pendingToolCalls: [ToolCallRequest] = []
    public private(set) var usage: TokenUsage?
    public private(set) var outcome: RunOutcome?

    public init() {}

    /// Folds one event into the state.
    public mutating func apply(_ event: RunEvent) {
        switch event {
        case .started(let id):
            runID = id
            pendingToolCalls = []
            outcome = nil
        case .textDelta(let delta):
            text += delta
        case .toolCallsRequired(let calls):
            pendingToolCalls = calls
        case .usage(let reported):
            usage = usage.map { $0 + reported } ?? reported
        case .finished(let result):
            outcome = result
        }
    }

    /// Clears the calls once their outputs are submitted.
    public mutating func markToolCallsSubmitted() {
        pendingToolCalls = []
    }
}
