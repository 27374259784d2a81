/// A status string of the API as a type: known values are constants, and a value this client
/// does not know still decodes (servers add statuses), so an old client never fails on a new one.
public protocol WireStatus: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
where RawValue == String {
    init(rawValue: String)
}

extension WireStatus {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A run's status.
public struct RunStatus: WireStatus {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let queued: RunStatus = "queued"
    public static let inProgress: RunStatus = "in_progress"
    public static let requiresAction: RunStatus = "requires_action"
    public static let cancelling: RunStatus = "cancelling"
    public static let cancelled: RunStatus = "cancelled"
    public static let failed: RunStatus = "failed"
    public static let completed: RunStatus = "completed"
    public static let incomplete: RunStatus = "incomplete"
    public static let expired: RunStatus = "expired"

    /// The statuses a run cannot leave.
    public static let terminal: [RunStatus] = [.cancelled, .failed, .completed, .incomplete, .expired]

    /// True once the run can no longer change; a status this client does not know is not.
    public var isTerminal: Bool { Self.terminal.contains(self) }
}

/// A run step's status.
public struct StepStatus: WireStatus {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let inProgress: StepStatus = "in_progress"
    public static let completed: StepStatus = "completed"
    public static let cancelled: StepStatus = "cancelled"
    public static let failed: StepStatus = "failed"
    public static let expired: StepStatus = "expired"
}

/// A message's status.
public struct MessageStatus: WireStatus {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let inProgress: MessageStatus = "in_progress"
    public static let completed: MessageStatus = "completed"
    public static let incomplete: MessageStatus = "incomplete"
}
