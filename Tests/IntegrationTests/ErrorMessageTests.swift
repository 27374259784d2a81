import Foundation
import TestSupport
import Testing

/// Every error a user meets at start or from the model server, piped: one line in one style,
/// `error: WHAT (WHY) — WHAT TO DO`, with the hint, and never the usage text.
@Suite struct ErrorMessageTests {
    let home = TemporaryDirectory("threadline-errors")

    func run(_ arguments: [String], lines: [String] = ["hi"], environment: [String: String] = [:]) async throws -> ProcessOutput {
        let base = ["THREADLINE_HOME": home.path, "OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "THREADLINE_BACKEND": ""]
        return try await ProcessRunner.run(arguments, lines: lines, environment: base.merging(environment) { $1 })
    }

    /// The output's stderr is exactly one error line starting with `start` and holding `hint`.
    func expectOneErrorLine(_ output: ProcessOutput, _ start: String, hint: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status != 0, sourceLocation: sourceLocation)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 1, "one line: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("error: " + start) == true, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.contains(" — " + hint) == true, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("USAGE") && !output.stderr.contains("Error:"), sourceLocation: sourceLocation)
        #expect(output.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("notaurl", "--base-url notaurl is not a server URL (no http:// or https://)"),
        ("ftp://x/v1", "--base-url ftp://x/v1 is not a server URL (scheme ftp; only http and https are spoken)"),
        ("http:///v1", "--base-url http:///v1 has no host"),
    ])
    func baseURLsAreCheckedBeforeAnyRequest(url: String, start: String) async throws {
        let output = try await run(["--backend", "chat", "--base-url", url])
        expectOneErrorLine(output, start, hint: "give one like http://localhost:11434/v1")
    }

    @Test func aBaseURLFromTheEnvironmentIsNamedAsSuch() async throws {
        let output = try await run(["--backend", "chat"], environment: ["OPENAI_BASE_URL": "localhost:11434/v1"])
        expectOneErrorLine(output, "OPENAI_BASE_URL localhost:11434/v1 is not a server URL", hint: "give one like")
    }

    @Test func aBaseURLWithoutV1IsWarnedAboutAndItsNotFoundExplained() async throws {
        let server = try await FakeHTTPServer.start()
        let output = try await run(["--backend", "chat", "--base-url", server.baseURL])
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first == "warning: --base-url \(server.baseURL) does not end in a version such as /v1 — "
                + "most OpenAI-compatible servers want \(server.baseURL)/v1", "\(output.stderr)")
        #expect(
            lines.contains {
                $0.hasPrefix("error: run failed: HTTP 404 Not Found: no route for POST /chat/completions")
                    && $0.contains("— check --base-url")
            },
            "\(output.stderr)")
        #expect(output.stdout.isEmpty, "a failed run writes no empty line")
        #expect(!output.stderr.contains("0.0s"), "no bare elapsed time")
    }

    @Test func unauthorizedNamesTheKeyVariable() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue("POST", "/v1/chat/completions", .error(status: 401, message: "Incorrect API key provided."))
        let output = try await run(["--backend", "chat", "--base-url", server.baseURL + "/v1"])
        #expect(
            output.stderr.contains(
                "error: run failed: HTTP 401 Unauthorized: Incorrect API key provided. (invalid_request_error) — set OPENAI_API_KEY"),
            "\(output.stderr)")
        #expect(!output.stderr.contains("server_error"))
        #expect(output.stdout.isEmpty)
    }

    @Test func threadlineHomeThatIsAFileIsSaidInWords() async throws {
        let file = home.file("plain")
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let output = try await run([], environment: ["THREADLINE_HOME": file])
        expectOneErrorLine(output, "cannot create \(file): it is a file", hint: "point THREADLINE_HOME")
    }

    @Test func configMustBeADirectoryWithConfiguration() async throws {
        let file = home.file("plain.json")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("{}".utf8)))
        let fix = "give a directory with assistant.json, tools.json or mcp.json"
        expectOneErrorLine(try await run(["--config", file]), "--config \(file) is a file, not a directory", hint: fix)
        let empty = home.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        expectOneErrorLine(try await run(["--config", empty]), "--config \(empty) holds none of assistant.json, tools.json, mcp.json", hint: fix)
        expectOneErrorLine(try await run(["--config", home.file("nowhere")]), "--config \(home.file("nowhere")) does not exist", hint: fix)
    }

    @Test func validationErrorsAreOneLineWithoutTheUsage() async throws {
        expectOneErrorLine(
            try await run(["--thread", "x", "--continue"]), "--thread and --continue exclude each other",
            hint: "threadline --help lists the options")
        expectOneErrorLine(try await run(["--bogus"]), "Unknown option '--bogus'", hint: "threadline --help lists the options")
        expectOneErrorLine(try await run(["--backend", "bogus"]), "The value 'bogus' is invalid for '--backend", hint: "threadline --help")
        expectOneErrorLine(
            try await run(["threads", "list", "extra"]), "threads list takes no argument (got extra)", hint: "threads show ID shows one")
    }

    @Test func serveOnABusyPortNamesItAndOffersPortZero() async throws {
        let busy = try await FakeHTTPServer.start()
        let output = try await run(["serve", "--port", "\(busy.port)"], lines: [])
        expectOneErrorLine(output, "port \(busy.port) on 127.0.0.1 is already in use", hint: "stop what listens there, or give --port 0")
    }
}
