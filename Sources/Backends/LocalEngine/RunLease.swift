import Foundation

/// A process's hold on a run it executes or waits on: who holds it and when it last showed
/// life. A run whose holder stops renewing the lease is an orphan: whoever finds it ends it as
/// failed, so no thread stays locked by a process that is gone.
public struct RunLease: Sendable, Equatable {
    /// Names the holding process (`host:pid:nonce` for this engine's processes).
    public var owner: String
    /// When the owner last renewed the lease, in milliseconds since 1970.
    public var heartbeatAt: Int64

    public init(owner: String, heartbeatAt: Int64) {
        self.owner = owner
        self.heartbeatAt = heartbeatAt
    }

    /// True when the owner has not renewed the lease for longer than `timing.leaseMillis`.
    public func isLapsed(at now: Int64, _ timing: RunTiming) -> Bool {
        now - heartbeatAt > timing.leaseMillis
    }
}

/// The figures that keep runs alive and their text safe; docs/reliability.md quotes them.
public struct RunTiming: Sendable, Equatable {
    /// How often a process renews the leases of the runs it holds.
    public var heartbeatMillis: Int64
    /// How long a lease lasts without a heartbeat: past it the run is an orphan.
    public var leaseMillis: Int64
    /// How often the text of a streaming reply is written, so a crash keeps what was shown.
    public var textFlushMillis: Int64

    public init(heartbeatMillis: Int64, leaseMillis: Int64, textFlushMillis: Int64) {
        self.heartbeatMillis = heartbeatMillis
        self.leaseMillis = leaseMillis
        self.textFlushMillis = textFlushMillis
    }

    /// Heartbeat every 2 s, lease of 10 s (five missed heartbeats), text written every 250 ms.
    public static let standard = RunTiming(heartbeatMillis: 2_000, leaseMillis: 10_000, textFlushMillis: 250)
}
