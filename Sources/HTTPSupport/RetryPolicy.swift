import Foundation

/// When to retry a request that failed before any of its response was used: connection
/// errors, 408, 409, 429 and 5xx, at most `maxRetries` times, with exponential backoff and
/// jitter, honouring `retry-after-ms`, `Retry-After` and `x-should-retry` as openai-python does.
/// A request that is not idempotent (a POST) is retried only when it surely did not arrive
/// (the connection was never made) or the server answered (it then sees the same
/// `Idempotency-Key` again); never after a connection lost once the request was sent.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var initialDelay: Double
    public var maxDelay: Double

    public init(maxRetries: Int = 2, initialDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The pause before retry number `attempt` (1-based) after a response with `status` and
    /// `headers` (lower-cased names), or nil when the request must not be retried.
    /// `status` nil means the connection failed: before the request was sent unless
    /// `maybeArrived`, which forbids retrying a request that is not `idempotent`.
    /// `jitter` is in 0...1; `now` dates `Retry-After`.
    /// A server-advised pause counts when it is 0 to 60 s (openai-python also skips 0; HTTP allows
    /// it, and the test servers use it to retry at once); otherwise the exponential backoff,
    /// capped at `maxDelay`, applies.
    public func delay(
        attempt: Int, status: Int?, headers: [String: String], idempotent: Bool = true, maybeArrived: Bool = false,
        jitter: Double = Double.random(in: 0...1), now: Date = Date()
    ) -> Double? {
        guard attempt <= maxRetries else { return nil }
        if status == nil, maybeArrived, !idempotent { return nil }
        switch headers["x-should-retry"]?.lowercased() {
        case "true": break
        case "false": return nil
        default:
            if let status, !Self.isRetryable(status: status) { return nil }
        }
        if let advised = Self.advisedDelay(headers, now: now), advised >= 0, advised <= 60 { return advised }
        let backoff = min(initialDelay * pow(2, Double(attempt - 1)), maxDelay)
        return backoff * (1 - 0.25 * jitter)
    }

    /// Whether a response with `status` is worth another try when the server does not say.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// Seconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date (from `now`).
    static func advisedDelay(_ headers: [String: String], now: Date) -> Double? {
        if let milliseconds = headers["retry-after-ms"].flatMap(Double.init) { return milliseconds / 1000 }
        guard let value = headers["retry-after"] else { return nil }
        if let seconds = Double(value) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { $0.timeIntervalSince(now) }
    }
}
