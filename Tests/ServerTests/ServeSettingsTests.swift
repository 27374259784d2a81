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

    @Test func withoutAKeyOnlyLoopbackNamesAreAnswered() {
        let settings = ServeSettings(host: "127.0.0.2")
        for authority in ["127.0.0.1", "localhost:8080", "[::1]", "[::1]:8080", "127.0.0.2:80", "LocalHost"] {
            #expect(settings.answers(authority: authority), "\(authority)")
        }
        for authority in ["evil.example", "evil.example:8080", "[::1]:", "localhost:80x", "127.0.0.1.nip.io", "", nil] as [String?] {
            #expect(!settings.answers(authority: authority), "\(authority ?? "nil")")
        }
        #expect(ServeSettings(host: "0.0.0.0", apiKey: "k").answers(authority: "threadline.internal"))
    }

    @Test func runExpiryIsAtMostOneDay() {
        #expect(ServeSettings(runExpirySeconds: 86_400).problem == nil)
        #expect(ServeSettings(runExpirySeconds: 86_401).problem?.contains("--run-expiry") == true)
        #expect(ServeSettings(runExpirySeconds: .max).problem != nil)
    }
}
