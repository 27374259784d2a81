/// The REPL session: its thread and the instruction overrides set by `/instructions`.
public struct SessionState: Sendable, Equatable {
    /// nil: a new thread, stored when its first message is sent (a session that sends nothing leaves none).
    public var threadID: String?
    /// Replaces the assistant's instructions for every following run.
    public var stickyInstructions: String?
    /// Used by the next run only: added to its instructions, or replacing them when `onceReplaces`.
    public private(set) var onceInstructions: String?
    /// True when the once-instructions replace the instructions instead of adding to them.
    public private(set) var onceReplaces = false
    /// Added to the instructions of every following run.
    public var additionalInstructions: String?
    public var model: String?

    public init(threadID: String?, stickyInstructions: String? = nil) {
        self.threadID = threadID
        self.stickyInstructions = stickyInstructions
    }

    /// Sets the instructions of the next run only: added to the others, or, with `replacing`, used instead of them.
    public mutating func setOnceInstructions(_ text: String, replacing: Bool = false) {
        onceInstructions = text
        onceReplaces = replacing
    }

    /// What the next run gets, without using up a once-override; `/show` reads this.
    public var nextRunOptions: RunOptions {
        let replacing = onceReplaces ? onceInstructions : nil
        let added = onceReplaces ? [additionalInstructions] : [additionalInstructions, onceInstructions]
        let additional = added.compactMap { $0 }.joined(separator: "\n\n")
        return RunOptions(
            instructions: replacing ?? stickyInstructions,
            additionalInstructions: additional.isEmpty ? nil : additional,
            model: model)
    }

    /// The options of the next run; a once-override is used up by this call.
    public mutating func takeRunOptions() -> RunOptions {
        defer {
            onceInstructions = nil
            onceReplaces = false
        }
        return nextRunOptions
    }

    /// True when any override is active, so the prompt can show it.
    public var hasInstructionOverride: Bool {
        stickyInstructions != nil || onceInstructions != nil || additionalInstructions != nil
    }

    /// Drops every override.
    public mutating func clearInstructions() {
        stickyInstructions = nil
        onceInstructions = nil
        onceReplaces = false
        additionalInstructions = nil
    }
}
