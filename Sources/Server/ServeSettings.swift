/// What `threadline serve` listens on and who may call it.
public struct ServeSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Requests with a larger body are refused with 413.
    public var maxBodyBytes: Int
    /// How long a run waiting for tool outputs stays open before it expires.
    public var runExpirySeconds: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil,
        maxBodyBytes: Int = 4 << 20, runExpirySeconds: Int = 600
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.maxBodyBytes = maxBodyBytes
        self.runExpirySeconds = runExpirySeconds
    }

    /// Loopback hosts need no key; anything reachable from elsewhere does.
    public var isLoopback: Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Why these settings must not be used, or nil when they are fine.
    public var problem: String? {
        if !isLoopback && apiKey == nil {
            return
                "refusing to listen on \(host) without an API key: pass --api-key or set THREADLINE_SERVE_KEY"
        }
        if !(0...65535).contains(port) { return "--port \(port) is not a port number" }
        if runExpirySeconds <= 0 { return "the run expiry must be a positive number of seconds" }
        return nil
    }
}
