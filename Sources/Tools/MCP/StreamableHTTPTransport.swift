import AssistantsWire
import AsyncHTTPClient
import Foundation
import HTTPSupport
import Logging
import MCP
import NIOCore
import NIOHTTP1
import ThreadlineCore

/// MCP's Streamable HTTP transport on AsyncHTTPClient and our SSE parser: the SDK's own
/// transport reads no SSE reply on Linux. Each message is a POST; the server answers a request
/// with one JSON body or with an event stream carrying the reply (and whatever it sends first).
/// The session id the server hands out is sent back on every request, and the session is
/// deleted on disconnect.
actor StreamableHTTPTransport: Transport {
    /// A failed exchange, in words for the server's one-line error.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    nonisolated let logger = Logger(label: "threadline.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
    private let url: String
    private let headers: [String: String]
    private let connectTimeout: Duration
    private var client: HTTPClient?
    private var sessionID: String?
    /// The version the server agreed to in its `initialize` reply, sent on every later request.
    private var protocolVersion: String?
    /// The id of the `initialize` request, until its reply is seen.
    private var initializeID: JSONValue?
    /// Event-stream replies still being read, by a key of their own.
    private var readers: [UUID: Task<Void, Never>] = [:]
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    /// `headers` go on every request (e.g. `Authorization`); connecting may take `connectTimeout`.
    init(url: String, headers: [String: String], connectTimeout: Duration) {
        self.url = url
        self.headers = headers
        self.connectTimeout = connectTimeout
        (messages, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    func connect() async throws {
        guard client == nil else { return }
        var configuration = HTTPClient.Configuration()
        // No read timeout: a tool may think for long before its reply; tool_timeout bounds the call.
        configuration.timeout = .init(connect: .nanoseconds(Int64(connectTimeout.inSeconds * 1e9)))
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Stops reading replies, deletes the session on the server (best effort) and closes.
    func disconnect() async {
        guard let client else { return }
        self.client = nil
        readers.values.forEach { $0.cancel() }
        readers = [:]
        if sessionID != nil {
            var request = makeRequest(method: .DELETE)
            request.headers.remove(name: "Accept")
            _ = try? await client.execute(request, timeout: .seconds(2))
        }
        continuation.finish()
        try? await client.shutdown()
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// POSTs one message (or batch) and waits for the answer's head: a JSON reply is passed on
    /// whole, an event stream is read on in the background.
    func send(_ data: Data) async throws {
        guard let client else { throw Failure(description: "not connected") }
        let sent = Self.requests(in: data)
        if let initialize = sent.first(where: { $0.method == "initialize" }) { initializeID = initialize.id }
        var request = makeRequest(method: .POST)
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .distantFuture)
        } catch {
            let what = APIClient.isConnectFailure(error) ? "cannot reach" : "no reply from"
            throw Failure(description: "\(what) \(url): \(Self.describe(error))")
        }
        if let session = response.headers.first(name: "Mcp-Session-Id") { sessionID = session }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            let detail = body.split(whereSeparator: \.isNewline).first.map { ": " + $0.prefix(200) } ?? ""
            throw Failure(description: "\(url) answered \(response.status.code) \(response.status.reasonPhrase)\(detail)")
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            let key = UUID()
            readers[key] = Task { [weak self] in
                await self?.read(events: response.body, answering: sent.compactMap { $0.id })
                await self?.finishedReading(key)
            }
        } else if contentType.hasPrefix("application/json") {
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: 64 << 20)
            } catch {
                throw Failure(description: "the reply from \(url) broke off: \(Self.describe(error))")
            }
            deliver(Data(body.readableBytesView))
        } else if sent.contains(where: { $0.id != nil }) {
            throw Failure(description: "\(url) answered with \(contentType.isEmpty ? "no content type" : contentType), not JSON")
        }
    }

    private func makeRequest(method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        request.headers.add(name: "User-Agent", value: "threadline/0.1")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        return request
    }

    /// Passes the events of one reply stream on; the requests it leaves unanswered (the server
    /// died, the connection broke) get an error reply each, so no caller waits forever.
    private func read(events body: HTTPClientResponse.Body, answering ids: [JSONValue]) async {
        var unanswered = ids
        var parser = SSEParser()
        var problem = "the server closed the reply stream without answering"
        do {
            for try await buffer in body {
                for event in try parser.feed(buffer.readableBytesView) where event.event == nil || event.event == "message" {
                    guard !event.data.isEmpty else { continue }
                    let data = Data(event.data.utf8)
                    for answered in Self.responseIDs(in: data) { unanswered.removeAll { $0 == answered } }
                    deliver(data)
                }
            }
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            problem = "the reply stream broke off: \(Self.describe(error))"
        }
        for id in unanswered {
            let reply: JSONValue = [
                "jsonrpc": "2.0", "id": id, "error": ["code": .number(-32603), "message": .string(problem)],
            ]
            deliver(Data(reply.jsonText.utf8))
        }
    }

    /// Hands a message to the client, noting the protocol version of the `initialize` reply.
    private func deliver(_ data: Data) {
        if let initializeID, let reply = try? JSONValue.parse(data), reply["id"] == initializeID {
            protocolVersion = reply["result"]?["protocolVersion"]?.stringValue ?? protocolVersion
            self.initializeID = nil
        }
        continuation.yield(data)
    }

    private func finishedReading(_ key: UUID) {
        readers[key] = nil
    }

    /// The method and id (nil for a notification or a response) of each message in `data`.
    private static func requests(in data: Data) -> [(method: String?, id: JSONValue?)] {
        guard let value = try? JSONValue.parse(data) else { return [] }
        let messages = value.arrayValue ?? [value]
        return messages.map { message in
            let method = message["method"]?.stringValue
            return (method, method == nil ? nil : message["id"])
        }
    }

    /// The ids of the responses in `data` (one message or a batch).
    private static func responseIDs(in data: Data) -> [JSONValue] {
        guard let value = try? JSONValue.parse(data) else { return [] }
        return (value.arrayValue ?? [value]).compactMap { message in
            message["method"] == nil ? message["id"] : nil
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError, clientError == .connectTimeout { return "connect timeout" }
        if let limit = error as? SSEParser.LimitExceeded { return limit.description }
        return APIClient.describe(error)
    }
}
