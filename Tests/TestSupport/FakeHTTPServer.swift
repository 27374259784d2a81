import AssistantsWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import ThreadlineCore

/// A request the fake server received, kept for assertions.
public struct RecordedRequest: Sendable {
    public var method: String
    /// Path with its query, e.g. `/v1/conversations/conv_1/items?order=asc`.
    public var uri: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: String

    /// The path without its query.
    public var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
    /// The body parsed as JSON, or nil.
    public var json: JSONValue? { try? JSONValue.parse(body) }
}

/// One scripted answer: a status, headers and a body written in chunks (each flushed on its
/// own, so a client sees a stream), optionally cut off by closing the connection.
public struct FakeReply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var chunks: [String]
    /// Closes the connection after the chunks instead of ending the body properly.
    public var dropsConnection = false
    /// Keeps the response open after the chunks until `FakeHTTPServer.releaseStalled()`, like
    /// a model that stops writing mid-reply.
    public var stalls = false
    /// Written after `chunks`, `count` times or (nil) until the client goes away: a hostile
    /// server's huge or endless line.
    public var repeated: (chunk: String, count: Int?)?

    public init(status: Int = 200, headers: [String: String] = [:], chunks: [String]) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
    }

    /// A JSON body.
    public static func json(_ text: String, status: Int = 200, headers: [String: String] = [:]) -> FakeReply {
        FakeReply(status: status, headers: headers.merging(["content-type": "application/json"]) { $1 }, chunks: [text])
    }

    /// An OpenAI-style error object with `status`.
    public static func error(status: Int, message: String, type: String = "invalid_request_error", headers: [String: String] = [:])
        -> FakeReply
    {
        json(
            #"{"error":{"message":\#(WireCoding.jsonText(message)),"type":"\#(type)","param":null,"code":null}}"#, status: status,
            headers: headers)
    }

    /// A `text/event-stream` body, one chunk per event text (already framed, ending in a blank line).
    public static func sse(_ events: [String]) -> FakeReply {
        FakeReply(headers: ["content-type": "text/event-stream", "cache-control": "no-cache"], chunks: events)
    }

    /// The same reply, left open after its chunks until released.
    public func stalling() -> FakeReply {
        var copy = self
        copy.stalls = true
        return copy
    }

    /// The same reply, followed by `chunk` written `count` times, or endlessly when nil.
    public func repeating(_ chunk: String, count: Int?) -> FakeReply {
        var copy = self
        copy.repeated = (chunk, count)
        return copy
    }

    /// The same reply, with the connection closed after its chunks.
    public func droppingConnection() -> FakeReply {
        var copy = self
        copy.dropsConnection = true
        return copy
    }
}

/// An in-process HTTP/1.1 server on 127.0.0.1 (a free port) that replays scripted replies per
/// method and path, records every request, and can inject faults. Tests of every HTTP client
/// share it instead of writing their own.
public final class FakeHTTPServer: Sendable {
    /// Answers requests no script matched; nil means 404.
    public typealias Handler = @Sendable (RecordedRequest) -> FakeReply?

    private struct State {
        var scripts: [String: [FakeReply]] = [:]
        var requests: [RecordedRequest] = []
        var stalledReleased = false
    }

    /// The state shared by the server's handlers and the test.
    private final class Shared: Sendable {
        let mutex = Mutex(State())

        func withLock<T>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    private struct Dropped: Error {}

    private let server: RunningServer
    private let state: Shared

    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening; returns once the port is bound.
    public static func start(handler: Handler? = nil) async throws -> FakeHTTPServer {
        let state = Shared()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            let recorded = RecordedRequest(
                method: request.method.rawValue, uri: request.uri.description,
                headers: Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { $1 }),
                body: String(buffer: body))
            let scripted = state.withLock { state -> FakeReply? in
                state.requests.append(recorded)
                let key = "\(recorded.method) \(recorded.path)"
                guard var queue = state.scripts[key], !queue.isEmpty else { return nil }
                let next = queue.removeFirst()
                state.scripts[key] = queue
                return next
            }
            let reply = scripted ?? handler?(recorded) ?? .error(status: 404, message: "no route for \(recorded.method) \(recorded.path)")
            return Self.response(for: reply, state: state)
        }
        var logger = Logger(label: "FakeHTTPServer")
        logger.logLevel = .critical
        let server = try await RunningServer.start { onListening in
            Application(
                responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
        }
        return FakeHTTPServer(server: server, state: state)
    }

    private init(server: RunningServer, state: Shared) {
        self.server = server
        self.state = state
    }

    /// Stops listening when the test lets go of the server.
    deinit { Task { [server] in await server.stop() } }

    /// Queues replies for `method path` (path without query), used once each in order.
    public func enqueue(_ method: String, _ path: String, _ replies: FakeReply...) {
        state.withLock { $0.scripts["\(method) \(path)", default: []] += replies }
    }

    /// Every request so far, in arrival order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// The requests for `method path`, in arrival order.
    public func requests(_ method: String, _ path: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path == path }
    }

    /// Lets every stalled reply end.
    public func releaseStalled() { state.withLock { $0.stalledReleased = true } }

    private static func response(for reply: FakeReply, state: Shared) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let chunks = reply.chunks
        let drops = reply.dropsConnection
        let stalls = reply.stalls
        let repeated = reply.repeated
        let body = ResponseBody { writer in
            for chunk in chunks { try await writer.write(ByteBuffer(string: chunk)) }
            if let (chunk, count) = repeated {
                let buffer = ByteBuffer(string: chunk)
                var written = 0
                // Writing fails once the client has closed the connection, which ends an endless reply.
                while count.map({ written < $0 }) ?? true {
                    try await writer.write(buffer)
                    written += 1
                }
            }
            while stalls, !state.withLock({ $0.stalledReleased }) { try await Task.sleep(for: .milliseconds(10)) }
            // Throwing from the body makes the server close the connection mid-response.
            if drops { throw Dropped() }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: reply.status), headers: headers, body: body)
    }
}
