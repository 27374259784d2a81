import AsyncHTTPClient
import Foundation
import NIOCore

/// Seeds a running `threadline serve` for the benchmarks: assistants, threads, a check run.
struct ServeClient {
    let base: String

    init(port: Int) {
        base = "http://127.0.0.1:\(port)/v1"
    }

    static let userMessage = #"{"role":"user","content":"hello"}"#
    static let assistantMessage = #"{"role":"assistant","content":"Hello! Ask me about the weather."}"#

    /// A thread of `count` messages, user and assistant in turn, in one `POST /v1/threads`.
    func thread(messages count: Int) async throws(BenchFailure) -> String {
        let messages = (0..<count).map { $0.isMultiple(of: 2) ? Self.userMessage : Self.assistantMessage }
        return try await post("/threads", #"{"messages":[\#(messages.joined(separator: ","))]}"#)
    }

    /// POSTs JSON with the beta header and returns the `id` of the object created.
    func post(_ path: String, _ body: String) async throws(BenchFailure) -> String {
        let text = try await send(base + path, body)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let id = object["id"] as? String
        else {
            throw BenchFailure("POST \(path) answered without an id: \(text.prefix(200))")
        }
        return id
    }

    /// One streamed run before the load, so that a run failing fast cannot pass for a fast one.
    func checkRun(_ body: String) async throws(BenchFailure) {
        let text = try await send(base + "/threads/runs", body)
        guard text.contains("event: thread.run.completed") else {
            throw BenchFailure("a streamed demo run did not complete: \(text.suffix(300))")
        }
    }

    private func send(_ url: String, _ body: String) async throws(BenchFailure) -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "OpenAI-Beta", value: "assistants=v2")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
            let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
            guard response.status == .ok else { throw BenchFailure("POST \(url): \(response.status.code) \(text.prefix(200))") }
            return text
        } catch let failure as BenchFailure {
            throw failure
        } catch {
            throw BenchFailure("POST \(url): \(error)")
        }
    }
}
