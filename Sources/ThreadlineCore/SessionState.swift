/// The REPL session: its thread and the instruction overrides set by `/instructions`.
public struct SessionState: Sendable, Equatable {
    public var threadID: String
    /// Replaces the assistant's instructions for every following run.
    public var stickyInstructions: String?
    /// Replaces them for the next run only (wins over sticky).
    public var onceInstructions: String?
    /// Added to the instructions of every following run.
    public var additionalInstructions: String?
    public var model: String?

    public init(threadID: String, stickyInstructions: String? = nil) {
        self.threadID = threadID
        self.stickyInstructions = stickyInstructions
    }

    /// The options of the next run; a once-override is used up by this call.
    public mutating func takeRunOptions() -> RunOptions {
        defer { onceInstructions = nil }
        return RunOptions(
            instructions: onceInstructions ?? stickyInstructions,
            additionalInstructions: additionalInstructions,
            model: model)
    }

    /// True when any override is active, so the prompt can show it.
    public var hasInstructionOverride: Bool {
        stickyInstructions != nil || onceInstructions != nil || additionalInstructions != nil
    }

    /// Drops every override.
    public mutating func clearInstructions() {
        stickyInstructions = nil
        onceInstructions = nil
        additionalInstructions = nil
    }
}
