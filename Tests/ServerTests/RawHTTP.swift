import Foundation

/// One HTTP/1.1 exchange over a plain socket, for requests no client library sends: a foreign
/// `Host`, a `Content-Length` with no body behind it. Reads the status line, headers and the
/// declared body, giving up after `timeout` seconds so a hanging server fails the test.
enum RawHTTP {
    struct Answer {
        var status: Int
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The exchange, waiting on a Dispatch thread: the server runs in this process, and a blocked
    /// thread of the small concurrency pool could be the one it needs.
    static func exchange(port: Int, _ request: String, timeout: Int = 60) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingExchange(port: port, request, timeout: timeout) })
            }
        }
    }

    private static func blockingExchange(port: Int, _ request: String, timeout: Int) throws -> Answer {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socket) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect() failed") }
        let bytes = Array(request.utf8)
        guard send(socket, bytes, bytes.count, 0) == bytes.count else { throw Failure(description: "send() failed") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let answer = parse(received) { return answer }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else {
                throw Failure(
                    description: "no complete answer (\(count < 0 ? "timed out" : "closed")): \(String(decoding: received, as: UTF8.self))")
            }
            received += buffer[0..<count]
        }
    }

    /// The answer once its headers and declared body have all arrived.
    private static func parse(_ bytes: [UInt8]) -> Answer? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        let length =
            head.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        let body = Array(text[end.upperBound...].utf8)
        guard body.count >= length else { return nil }
        return Answer(status: status, body: String(decoding: body.prefix(length), as: UTF8.self))
    }
}
