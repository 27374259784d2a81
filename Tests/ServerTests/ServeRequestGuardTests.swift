import Backends
import Foundation
import Server
import TestSupport
import Testing

/// The checks before a request is read (docs/reliability.md, "Hostile servers and text"): a
/// loopback server without a key answers only loopback names, and a declared body over the limit
/// is refused at once.
@Suite struct ServeRequestGuardTests {
    let directory = TemporaryDirectory("threadline-serve-guard")

    static func post(host: String, body: String = "{}", length: String? = nil) -> String {
        "POST /v1/threads HTTP/1.1\r\nHost: \(host)\r\nOpenAI-Beta: assistants=v2\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length ?? String(body.utf8.count))\r\nConnection: close\r\n\r\n" + (length == nil ? body : "")
    }

    func port(of server: LiveServer) throws -> Int {
        try #require(URL(string: server.baseURL)?.port)
    }

    @Test func foreignHostIsRefusedAndLoopbackNamesAreServed() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let port = try port(of: server)
            for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example", "localhost:x"] {
                let answer = try await RawHTTP.exchange(port: port, Self.post(host: host))
                #expect(answer.status == 421, "\(host)")
                #expect(answer.body.contains(#""error""#) && answer.body.contains("127.0.0.1, localhost or [::1]"), "\(host)")
            }
            for host in ["127.0.0.1", "127.0.0.1:\(port)", "localhost", "LOCALHOST:\(port)", "[::1]", "[::1]:\(port)"] {
                let answer = try await RawHTTP.exchange(port: port, Self.post(host: host))
                #expect(answer.status == 200, "\(host): \(answer.body)")
            }
        }
        await server.stop()
    }

    @Test func withAKeyAnyHostMayAsk() async throws {
        let settings = ServeSettings(port: 0, apiKey: "k")
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory, settings: settings)
        do {
            let request = Self.post(host: "threadline.internal").replacingOccurrences(
                of: "Connection: close", with: "Authorization: Bearer k\r\nConnection: close")
            #expect(try await RawHTTP.exchange(port: try port(of: server), request).status == 200)
        }
        await server.stop()
    }

    @Test func hugeContentLengthWithoutABodyIsRefusedAtOnce() async throws {
        let settings = ServeSettings(port: 0, maxBodyBytes: 1000)
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory, settings: settings)
        do {
            let port = try port(of: server)
            for length in ["1001", "1000000000000"] {
                let answer = try await RawHTTP.exchange(port: port, Self.post(host: "127.0.0.1", length: length))
                #expect(answer.status == 413, "\(length)")
                #expect(answer.body.contains("larger than 1000 bytes"))
            }
        }
        await server.stop()
    }
}
