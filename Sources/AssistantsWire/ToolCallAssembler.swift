/// Tool calls rebuilt from streamed fragments (`thread.run.step.delta`): the fragments of one
/// call share an `index`; the first brings the id and name, each one extends the arguments.
public struct ToolCallAssembler: Sendable, Equatable {
    private var calls: [Int: ToolCall] = [:]

    public init() {}

    public mutating func apply(_ fragment: ToolCallDelta) {
        var call = calls[fragment.index] ?? ToolCall(id: "", name: "", arguments: "")
        if let id = fragment.id, !id.isEmpty { call.id = id }
        if let name = fragment.function?.name, !name.isEmpty { call.function.name = name }
        call.function.arguments += fragment.function?.arguments ?? ""
        if let output = fragment.function?.output { call.function.output = output }
        calls[fragment.index] = call
    }

    public mutating func apply(_ delta: RunStepDelta) {
        for fragment in delta.delta.stepDetails?.toolCalls ?? [] { apply(fragment) }
    }

    /// How many calls have started.
    public var count: Int { calls.count }

    /// The index of the call with this id, for streams whose fragments carry no index.
    public func index(ofCallWithID id: String) -> Int? {
        calls.first { $0.value.id == id }?.key
    }

    /// The calls so far, in index order.
    public var toolCalls: [ToolCall] {
        calls.sorted { $0.key < $1.key }.map(\.value)
    }

    public mutating func reset() { calls = [:] }
}
