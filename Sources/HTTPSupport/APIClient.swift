import AssistantsWire
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import ThreadlineCore

/// How to reach an OpenAI-style HTTP API.
public struct HTTPSettings: Sendable, Equatable {
    /// Ends before the resource paths, e.g. `http://127.0.0.1:8080/v1`.
    public var baseURL: String
    /// Sent as a Bearer token when set; never logged or shown.
    public var apiKey: String?
    public var extraHeaders: [String: String]
    public var connectTimeout: Duration
    /// The longest silence allowed while waiting for or reading a response.
    public var readTimeout: Duration
    public var retry: RetryPolicy
    /// `HTTPS_PROXY`/`HTTP_PROXY` as host and port, unless `NO_PROXY` names the host.
    public var proxy: Proxy?

    public struct Proxy: Sendable, Hashable {
        public var host: String
        public var port: Int
    }

    public init(
        baseURL: String, apiKey: String?, extraHeaders: [String: String] = [:],
        connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(120),
        retry: RetryPolicy = RetryPolicy(), proxy: Proxy? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.proxy = proxy
    }

    /// The proxy the environment asks for when connecting to `baseURL`.
    /// Upper-case names win; an empty variable counts as unset, so its lower-case twin applies.
    /// `NO_PROXY` entries are host names or domains, a leading dot optional (`example.com` and
    /// `.example.com` both cover `example.com` and its subdomains), or `*` for every host.
    public static func proxy(for baseURL: String, environment: [String: String]) -> Proxy? {
        guard let target = URL(string: baseURL), let host = target.host?.lowercased() else { return nil }
        func variable(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        let noProxy = (variable("NO_PROXY", "no_proxy") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let bypassed = noProxy.contains { entry in
            let domain = entry.drop { $0 == "." }
            return entry == "*" || (!domain.isEmpty && (host == domain || host.hasSuffix("." + domain)))
        }
        if bypassed { return nil }
        guard let value = target.scheme == "https" ? variable("HTTPS_PROXY", "https_proxy") : variable("HTTP_PROXY", "http_proxy"),
            let url = URL(string: value.contains("://") ? value : "http://" + value), let proxyHost = url.host
        else { return nil }
        return Proxy(host: proxyHost, port: url.port ?? 80)
    }
}

/// JSON requests and server-sent-event streams over one shared AsyncHTTPClient, with the
/// retry policy applied only before any response byte has been used.
public struct APIClient: Sendable {
    public let settings: HTTPSettings
    private let client: HTTPClient

    public init(settings: HTTPSettings) {
        self.settings = settings
        self.client = SharedHTTPClients.client(for: settings)
    }

    /// Sends a request and decodes its JSON answer; with `deadline`, gives up (retries
    /// included) with `HTTPError.timeout` once that much time has passed.
    public func json<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)? = nil, as type: Response.Type,
        deadline: Duration? = nil
    ) async throws -> Response {
        let response = try await execute(method, path, body: body, accept: "application/json", deadline: deadline)
        let buffer = try await collect(response)
        do {
            return try WireCoding.decoder().decode(type, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPError.invalidResponse("\(method) \(path) did not return the expected JSON")
        }
    }

    /// Sends a request and streams the server-sent events of its answer. A stream that ends
    /// inside an event or breaks while reading throws `HTTPError.streamCut`.
    public func events(
        _ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)?
    ) async throws -> AsyncThrowingStream<ServerSentEvent, any Error> {
        let response = try await execute(method, path, body: body, accept: "text/event-stream")
        return .producing { continuation in
            var parser = SSEParser()
            do {
                for try await buffer in response.body {
                    let events: [ServerSentEvent]
                    do throws(SSEParser.LimitExceeded) {
                        events = try parser.feed(buffer.readableBytesView)
                    } catch {
                        throw HTTPError.invalidResponse(error.description)
                    }
                    for event in events { continuation.yield(event) }
                }
                if parser.isInsideEvent {
                    throw HTTPError.streamCut("the connection closed in the middle of an event")
                }
            } catch let error as HTTPError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw HTTPError.streamCut(Self.describe(error))
            }
        }
    }

    private func execute(
        _ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)?, accept: String, deadline: Duration? = nil
    ) async throws -> HTTPClientResponse {
        let until = deadline.map { NIODeadline.now() + .nanoseconds(Int64($0.inSeconds * 1e9)) } ?? .distantFuture
        let url = settings.baseURL + path
        guard URL(string: url)?.host != nil else { throw HTTPError.invalidURL(url) }
        let bodyData = try body.map { try WireCoding.encoder().encode($0) }
        // One key for every attempt of this request, so a server that honours it acts once.
        let idempotent = method != .POST && method != .PATCH
        let idempotencyKey = idempotent ? nil : "threadline-retry-\(UUID().uuidString.lowercased())"
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "threadline/0.1")
            if let key = settings.apiKey, !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
            for (name, value) in settings.extraHeaders { request.headers.add(name: name, value: value) }
            if let bodyData {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: bodyData))
            }
            let status: Int?
            let headers: [String: String]
            let failure: HTTPError
            var maybeArrived = false
            do {
                let response = try await client.execute(request, deadline: until)
                if (200..<300).contains(response.status.code) { return response }
                status = Int(response.status.code)
                headers = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
                let errorBody = try? await collect(response)
                failure = .api(
                    status: Int(response.status.code), body: errorBody.flatMap { APIErrorBody.decode(from: Data($0.readableBytesView)) })
            } catch let error as HTTPError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                status = nil
                headers = [:]
                failure = Self.map(error)
                maybeArrived = !Self.isConnectFailure(error)
            }
            guard
                let delay = settings.retry.delay(
                    attempt: attempt, status: status, headers: headers, idempotent: idempotent, maybeArrived: maybeArrived)
            else { throw failure }
            guard NIODeadline.now() + .nanoseconds(Int64(delay * 1e9)) < until else { throw failure }
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    private func collect(_ response: HTTPClientResponse) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw HTTPError.streamCut(Self.describe(error))
        }
    }

    private static func map(_ error: any Error) -> HTTPError {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout: return .timeout("connecting to the server")
            case .readTimeout: return .timeout("no data from the server")
            case .deadlineExceeded: return .timeout("the request took too long")
            default: break
            }
        }
        return .connection(describe(error))
    }

    /// True when the connection was never made, so the request surely did not arrive.
    public static func isConnectFailure(_ error: any Error) -> Bool {
        switch error {
        case is NIOConnectionError: return true
        case let clientError as HTTPClientError: return clientError == .connectTimeout
        case ChannelError.connectTimeout: return true
        case let io as IOError: return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(io.errnoCode)
        default: return false
        }
    }

    /// An HTTP client error in a few words ("connection refused", "no data from the server …").
    public static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError, clientError == .readTimeout { return "no data from the server (read timeout)" }
        // NIO's own descriptions nest the OS error in its syscall context; the OS words suffice.
        if let failure = error as? NIOConnectionError, let first = failure.connectionErrors.first {
            return describe(first.error)
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        return String(describing: error)
    }
}

/// One HTTPClient per distinct transport configuration for the life of the process: clients are
/// meant to be long-lived and shared, and a client must never be deinitialised unshut.
enum SharedHTTPClients {
    private struct Key: Hashable {
        var connect: Duration
        var read: Duration
        var proxy: HTTPSettings.Proxy?
    }

    private static let clients = Mutex<[Key: HTTPClient]>([:])

    static func client(for settings: HTTPSettings) -> HTTPClient {
        let key = Key(connect: settings.connectTimeout, read: settings.readTimeout, proxy: settings.proxy)
        return clients.withLock { clients in
            if let existing = clients[key] { return existing }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(
                connect: .nanoseconds(Int64(key.connect.inSeconds * 1e9)), read: .nanoseconds(Int64(key.read.inSeconds * 1e9)))
            if let proxy = key.proxy { configuration.proxy = .server(host: proxy.host, port: proxy.port) }
            // RetryPolicy already retries failed connections (twice, with backoff); the pool's own
            // retrying until the connect timeout made a refused connection take 3 × 10 s to report.
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }
}
