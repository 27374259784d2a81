import ThreadlineCore

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

    /// Whether a request whose `Host` is `authority` is answered: always with a key; without one
    /// (loopback only) just for `127.0.0.1`, `localhost`, `[::1]` and the bound address, each with
    /// or without a port, so a DNS-rebinding web page cannot reach the threads.
    public func answers(authority: String?) -> Bool {
        if apiKey != nil { return true }
        guard let authority = authority?.lowercased() else { return false }
        var name = Substring(authority)
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") {
            let port = name[name.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            name = name[..<colon]
        }
        let bound = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return ["127.0.0.1", "localhost", "[::1]", bound.lowercased()].contains(String(name))
    }

    /// Why these settings must not be used, or nil when they are fine.
    public var problem: String? {
        if !isLoopback && apiKey == nil {
            return
                "refusing to listen on \(host) without an API key: pass --api-key or set THREADLINE_SERVE_KEY"
        }
        if !(0...65535).contains(port) { return "--port \(port) is not a port number" }
        if Duration.setting(seconds: Double(runExpirySeconds)) == nil { return Duration.settingProblem("--run-expiry") }
        return nil
    }
}
