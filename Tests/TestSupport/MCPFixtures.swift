import Foundation

/// The MCP servers the tests start, from the test venv (`make venv`).
public enum MCPFixtures {
    /// The venv's Python, with the official `mcp` SDK installed.
    public static let python = packageRoot + "/.venv/bin/python3"
    /// The official `mcp-server-time` (PyPI), a stdio server nobody here wrote.
    public static let timeServer = packageRoot + "/.venv/bin/mcp-server-time"
    /// Our stdio server on the official SDK (Tests/Fixtures/mcp_fixture_server.py).
    public static let fixtureServer = packageRoot + "/Tests/Fixtures/mcp_fixture_server.py"

    /// False when the venv lacks the servers (run `make venv`; `make test` does).
    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: timeServer)
            && FileManager.default.fileExists(atPath: packageRoot + "/.venv/bin/python3")
    }

    /// mcp.json text for `servers`, each `name: (command, args)`, with extra fields per server.
    /// Without a `startup_timeout` of its own a server gets a generous one: a Python server
    /// starts slowly on a loaded machine, and the tests are about other things.
    public static func configuration(_ servers: [(name: String, command: String, args: [String], extra: String)]) -> String {
        let entries = servers.map { server in
            let args = server.args.map { "\"\($0)\"" }.joined(separator: ", ")
            var fields = ["\"command\": \"\(server.command)\"", "\"args\": [\(args)]"]
            if !server.extra.contains("startup_timeout") { fields.append("\"startup_timeout\": 120") }
            if !server.extra.isEmpty { fields.append(server.extra) }
            return "\"\(server.name)\": {" + fields.joined(separator: ", ") + "}"
        }
        return "{\"mcpServers\": {" + entries.joined(separator: ", ") + "}}"
    }
}

/// Our Streamable HTTP server on the official Python SDK (Tests/Fixtures/mcp_http_fixture_server.py),
/// running for one test on a free loopback port; ended when the test lets go of it.
public final class MCPHTTPFixture: @unchecked Sendable {  // the process is only ended, once
    public static let script = packageRoot + "/Tests/Fixtures/mcp_http_fixture_server.py"

    /// `http://127.0.0.1:PORT/mcp`.
    public let url: String
    private let process: Process

    /// Starts the server with `options` (`--json`, `--mute`, `--log FILE`, `--require-auth VALUE`)
    /// and waits until it listens.
    public static func start(_ options: [String] = []) async throws -> MCPHTTPFixture {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try MCPHTTPFixture(options) })
            }
        }
    }

    private init(_ options: [String]) throws {
        let (process, stdin, stdout, _) = ProcessRunner.prepare(MCPFixtures.python, ["-u", Self.script] + options, environment: [:])
        process.standardError = FileHandle.nullDevice
        try spawning {
            try process.run()
            TestChildren.shared.track(process)
            try? stdin.fileHandleForWriting.close()
        }
        self.process = process
        // The first line is "port N", printed once the socket listens.
        var line = Data()
        while let byte = try stdout.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).dropFirst("port ".count)) else {
            TestChildren.shared.end(process)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the MCP HTTP fixture did not start"])
        }
        url = "http://127.0.0.1:\(port)/mcp"
    }

    deinit {
        TestChildren.shared.end(process)
    }

    /// Ends the server now and waits until it is gone.
    public func stop() {
        TestChildren.shared.end(process)
        process.waitUntilExit()
    }
}
