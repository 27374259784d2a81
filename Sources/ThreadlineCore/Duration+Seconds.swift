extension Duration {
    /// The duration in seconds, fractions included.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// "30 s", "0.5 s".
    public var formattedSeconds: String {
        let seconds = inSeconds
        return seconds.rounded() == seconds ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

extension Duration {
    /// The longest timeout or expiry a flag or config entry may set: one day. Larger values (and
    /// `1e300`) would overflow the integer clocks they end up in.
    public static let longestSetting: Duration = .seconds(86_400)

    /// `seconds` as a timeout, or nil unless it is finite, positive and at most `longestSetting`.
    public static func setting(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0, seconds <= longestSetting.inSeconds else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The one-line complaint for a setting that `setting(seconds:)` refused.
    public static func settingProblem(_ name: String) -> String {
        "\(name) must be a positive number of seconds, at most \(Int(longestSetting.inSeconds)) (one day)"
    }
}
