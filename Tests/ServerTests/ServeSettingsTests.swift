import Server
import Testing

@Suite struct ServeSettingsTests {
    @Test func loopbackNeedsNoKey() {
        for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
            #expect(ServeSettings(host: host).problem == nil, "\(host)")
        }
    }

    @Test func otherHostsNeedAKey() {
        let open = ServeSettings(host: "0.0.0.0")
        #expect(open.problem?.contains("--api-key") == true)
        #expect(ServeSettings(host: "0.0.0.0", apiKey: "k").problem == nil)
        #expect(ServeSettings(host: "0.0.0.0", apiKey: "").problem != nil)
    }

    @Test func rejectsBadPortsAndExpiry() {
        #expect(ServeSettings(port: 70000).problem != nil)
        #expect(ServeSettings(runExpirySeconds: 0).problem != nil)
    }
}
