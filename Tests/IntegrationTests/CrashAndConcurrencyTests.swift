import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built binary killed with -9 at points of a turn, and several processes on one thread at
/// once (docs/reliability.md, "Crashes" and "Concurrent use"). Every wait is bounded; nothing
/// here asserts how long anything took.
@Suite(.timeLimit(.minutes(2)))
struct CrashAndConcurrencyTests {
    static let seedQuestion = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
    let home = TemporaryDirectory("threadline-crash")

    func environment(delayMs: Int = 0, busyWaitMs: Int? = nil) -> [String: String] {
        var environment = ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "\(delayMs)", "THREADLINE_BACKEND": ""]
        if let busyWaitMs { environment["THREADLINE_BUSY_WAIT_MS"] = "\(busyWaitMs)" }
        return environment
    }

    /// The id of the thread the last piped run used (the most recent one).
    func latestThread() throws -> String {
        let listed = try ProcessRunner.run(["threads", "list"], lines: [], environment: environment())
        return String(listed.stdout.split(separator: " ").dropFirst().first ?? "")
    }

    /// `threads show`: piped, the transcript goes to stderr.
    func show(_ threadID: String) throws -> String {
        let shown = try ProcessRunner.run(["threads", "show", threadID], lines: [], environment: environment())
        return shown.stdout + shown.stderr
    }

    /// A moment of a turn at which the process running it is killed with -9: in the REPL (piped),
    /// or in `serve` while a client streams the run with curl.
    struct KillPoint: Sendable, CustomTestStringConvertible {
        enum Where: Sendable {
            /// The REPL, given `lines` (the last one's turn is killed).
            case repl(lines: [String])
            /// `serve`, streaming a run on a thread asking `question`; `afterTools` streams the
            /// run's second step (the one `submit_tool_outputs` opens) instead of its first.
            case serve(question: String, afterTools: Bool)
        }

        var name: String
        var process: Where
        /// True when the kill should come once the REPL's slow tool (a command that sleeps) runs.
        var duringSlowTool = false
        /// Whether the point is reached, from the output so far: the REPL's stdout and stderr, or
        /// the server-sent events the client received.
        var reached: @Sendable (_ stdout: String, _ stderr: String) -> Bool

        var testDescription: String { name }
    }

    static let killPoints: [KillPoint] = [
        KillPoint(name: "REPL, reply just started", process: .repl(lines: ["Tell me a joke."])) { stdout, _ in !stdout.isEmpty },
        KillPoint(name: "REPL, reply well under way", process: .repl(lines: ["Tell me a joke."])) { stdout, _ in stdout.count > 60 },
        KillPoint(
            name: "REPL, second turn's reply started", process: .repl(lines: ["What's the temperature in Seoul?", "Tell me a joke."])
        ) {
            stdout, stderr in stderr.contains("tokens") && stdout.contains("demo model")
        },
        KillPoint(name: "REPL, during a slow tool", process: .repl(lines: [seedQuestion]), duringSlowTool: true) { _, _ in false },
        KillPoint(name: "REPL, tools done", process: .repl(lines: [seedQuestion])) { _, stderr in stderr.contains("→ get_rain_probability")
        },
        KillPoint(name: "REPL, reply after tools started", process: .repl(lines: [seedQuestion])) { stdout, stderr in
            stderr.contains("→ get_rain_probability") && !stdout.isEmpty
        },
        KillPoint(name: "serve, run just created", process: .serve(question: "Tell me a joke.", afterTools: false)) { events, _ in
            events.contains("event: thread.run.created")
        },
        KillPoint(name: "serve, reply just started", process: .serve(question: "Tell me a joke.", afterTools: false)) { events, _ in
            events.contains("event: thread.message.delta")
        },
        KillPoint(name: "serve, reply well under way", process: .serve(question: "Tell me a joke.", afterTools: false)) { events, _ in
            events.components(separatedBy: "event: thread.message.delta").count > 6
        },
        KillPoint(name: "serve, tool step created", process: .serve(question: seedQuestion, afterTools: false)) { events, _ in
            events.contains(#""type":"tool_calls""#)
        },
        KillPoint(name: "serve, waiting for tool outputs", process: .serve(question: seedQuestion, afterTools: false)) { events, _ in
            events.contains("event: thread.run.requires_action")
        },
        KillPoint(name: "serve, reply after tools started", process: .serve(question: seedQuestion, afterTools: true)) { events, _ in
            events.contains("event: thread.message.delta")
        },
    ]

    /// Kill -9 at `point`, then restart: the thread takes the next message at once (the run's
    /// owner is gone), `threads show` holds every message completed before, and the reply text
    /// shown before the kill is kept (its first piece at least).
    @Test(arguments: killPoints)
    func aProcessKilledMidTurnLeavesTheThreadUsableWithItsText(at point: KillPoint) async throws {
        let asked: [String]
        let threadID: String
        let shown: String
        let next = "Are you there?"
        switch point.process {
        case .repl(let lines):
            asked = lines
            var arguments: [String] = []
            var reached = point.reached
            if point.duringSlowTool {
                let started = home.path + "/slow-tool-started"
                arguments = ["--config", try slowToolConfiguration(marking: started)]
                reached = { _, _ in FileManager.default.fileExists(atPath: started) }
            }
            let first = try RunningBinary(ProcessRunner.threadlineBinary, arguments, lines: lines, environment: environment(delayMs: 150))
            try #require(await first.waitFor(reached), "the turn never got there: \(first.stderr)")
            shown = first.stdout
            first.kill9()
            threadID = try latestThread()

            // The next process finds the run's owner gone and fails it at once: no lease to wait out.
            let answer = try await ProcessRunner.run(["--thread", threadID], lines: [next], environment: environment())
            #expect(answer.status == 0, "stderr: \(answer.stderr)")
            #expect(!answer.stdout.isEmpty)
        case .serve(let question, let afterTools):
            asked = [question]
            let serveEnvironment = environment(delayMs: 150)
            let crashed = try await offPool { try ServeProcess(environment: serveEnvironment) }
            let client = try await offPool { try crashed.streamedRun(asking: question, afterTools: afterTools) }
            try #require(await client.stream.waitFor { events, _ in point.reached(events, "") }, "never got there: \(client.stream.stdout)")
            shown = ServeProcess.deltaText(client.stream.stdout)
            crashed.process.kill9()
            client.stream.kill9()
            threadID = client.threadID

            let restarted = try await offPool { try ServeProcess(environment: serveEnvironment) }
            defer { restarted.process.kill9() }
            let added = try await offPool {
                try restarted.request("POST", "/threads/\(threadID)/messages", body: #"{"role":"user","content":"\#(next)"}"#)
            }
            #expect(added.contains(#""object":"thread.message""#), "\(added)")
            // The restarted serve ended its predecessor's run as failed, naming why (unless, on a
            // slow machine, the run completed before the kill landed): none is left active.
            let runs = try await offPool { try restarted.request("GET", "/threads/\(threadID)/runs") }
            #expect(runs.contains(#""status":"failed""#) || runs.contains(#""status":"completed""#), "\(runs)")
            #expect(!runs.contains(#""status":"failed""#) || runs.contains("the process running it stopped"), "\(runs)")
        }

        let transcript = try show(threadID)
        for line in asked + [next] { #expect(transcript.contains(line)) }
        if !shown.isEmpty {
            // What was on the screen before the kill is kept (its first piece at least).
            let start = String(shown.prefix(4))
            #expect(transcript.contains(start), "shown \(shown.debugDescription), stored \(transcript)")
        }
    }

    /// A configuration directory whose `get_rain_probability` is a command that marks `started`,
    /// then sleeps: a kill can land while it runs.
    func slowToolConfiguration(marking started: String) throws -> String {
        let directory = home.path + "/slow-tool-config"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tools = #"""
            {"tools": {"get_current_temperature": "demo", "get_n_day_weather_forecast": "demo",
              "get_rain_probability": {"command": ["/bin/sh", "-c", "touch '\#(started)'; sleep 3; echo 0.5"], "approval": "auto"}}}
            """#
        try tools.write(toFile: directory + "/tools.json", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func twoPipedProcessesOnOneThreadTakeTurnsAndBothAnswer() async throws {
        _ = try await ProcessRunner.run([], lines: ["Hello."], environment: environment())
        let threadID = try latestThread()
        async let a = ProcessRunner.run(
            ["--thread", threadID], lines: ["Tell me a joke.", "Another one."], environment: environment(delayMs: 5))
        async let b = ProcessRunner.run(
            ["--thread", threadID], lines: ["What's the temperature in Seoul?", "And in Busan?"], environment: environment(delayMs: 5))
        let (first, second) = try await (a, b)

        // The loser of each race waited for the other's run instead of cancelling it or giving up.
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(!first.stderr.contains("error"))
        #expect(!second.stderr.contains("error"))
        let transcript = try show(threadID)
        for line in ["Tell me a joke.", "Another one.", "What's the temperature in Seoul?", "And in Busan?"] {
            #expect(transcript.components(separatedBy: line).count == 2, "\(line) stored once")
        }
        #expect(!transcript.contains("[partial]"), "no run was cut short: \(transcript)")
    }

    @Test func aLineOnAThreadWhoseServeRunWaitsForToolsIsRefusedAndTheRunLives() async throws {
        let serveEnvironment = environment()
        let serve = try await offPool { try ServeProcess(environment: serveEnvironment) }
        defer { serve.process.kill9() }
        let (threadID, runID) = try await offPool { try serve.runWaitingForTools() }

        let line = try await ProcessRunner.run(
            ["--thread", threadID], lines: ["Never mind.", "/show"], environment: environment(busyWaitMs: 300))

        #expect(line.status != 0)
        #expect(line.stderr.contains("error: thread \(threadID) is busy: run \(runID) is in progress in another process"))
        #expect(line.stderr.split(separator: "\n").contains { $0.hasPrefix("thread:") }, "the session went on after the refusal")
        #expect(try await offPool { try serve.runStatus(threadID, runID) } == "requires_action")
    }
}

/// Runs blocking work (curl, polling) on a Dispatch thread: the concurrency pool's few threads
/// must stay free for the other tests.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// The built binary running in the background with its input already written and closed,
/// its output collected as it comes, so a test can wait for a moment of a turn and kill it there.
final class RunningBinary: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(
        _ executable: String = ProcessRunner.threadlineBinary, _ arguments: [String], lines: [String] = [],
        environment: [String: String] = [:]
    ) throws {
        let (process, stdin, stdout, stderr) = ProcessRunner.prepare(executable, arguments, environment: environment)
        self.process = process
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, error: false) }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, error: true) }
        try spawning {
            try process.run()
            stdin.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            try? stdin.fileHandleForWriting.close()
        }
    }

    private func append(_ data: Data, error: Bool) {
        lock.withLock { error ? err.append(data) : out.append(data) }
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Polls until `condition(stdout, stderr)` holds, for at most about 30 s; false if it never did.
    func waitFor(_ condition: (String, String) -> Bool) async -> Bool {
        for _ in 0..<3_000 {
            if condition(stdout, stderr) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(stdout, stderr)
    }

    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// `threadline serve` on a free port: requests made in process, streams read by curl.
struct ServeProcess {
    let process: RunningBinary
    let baseURL: String

    init(environment: [String: String]) throws {
        process = try RunningBinary(ProcessRunner.threadlineBinary, ["serve", "--port", "0"], environment: environment)
        var url: String?
        for _ in 0..<3_000 {
            if let range = process.stderr.range(of: #"http://127\.0\.0\.1:\d+/v1"#, options: .regularExpression) {
                url = String(process.stderr[range])
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        guard let url else { throw ServeFailed(stderr: process.stderr) }
        baseURL = url
    }

    struct ServeFailed: Error { var stderr: String }

    func curlArguments(_ method: String, _ path: String, body: String?) -> [String] {
        var arguments = ["-sS", "-X", method, baseURL + path, "-H", "Content-Type: application/json", "-H", "OpenAI-Beta: assistants=v2"]
        if let body { arguments += ["-d", body] }
        return arguments
    }

    /// The body of the answer, whatever its status. In process rather than a curl each: the
    /// concurrency tests make hundreds of requests, and a process per request made them slow.
    func request(_ method: String, _ path: String, body: String? = nil) throws -> String {
        guard let url = URL(string: baseURL + path) else { throw ServeFailed(stderr: "bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("assistants=v2", forHTTPHeaderField: "OpenAI-Beta")
        request.httpBody = body.map { Data($0.utf8) }
        let answer = Answer()
        URLSession.shared.dataTask(with: request) { data, _, error in answer.finish(data, error) }.resume()
        return try answer.wait()
    }

    /// One request's answer, handed from URLSession's queue to the waiting test thread.
    private final class Answer: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<String, any Error> = .success("")

        func finish(_ data: Data?, _ error: (any Error)?) {
            result = error.map { .failure($0) } ?? .success(String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }

        func wait() throws -> String {
            done.wait()
            return try result.get()
        }
    }

    /// The first `"id":"<prefix>…"` in `json`.
    private func id(_ json: String, prefix: String = "") -> String {
        guard let range = json.range(of: #""id":"\#(prefix)[^"]+""#, options: .regularExpression) else { return "" }
        return String(json[range].dropFirst(6).dropLast())
    }

    /// An assistant with the two weather tools, and a thread asking `question`: their ids.
    private func assistantAndThread(asking question: String) throws -> (assistant: String, thread: String) {
        let function = { (name: String) in
            #"{"type":"function","function":{"name":"\#(name)","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}"#
        }
        let assistant = id(
            try request(
                "POST", "/assistants",
                body: #"{"model":"gpt-4o","tools":[\#(function("get_current_temperature")),\#(function("get_rain_probability"))]}"#))
        let thread = id(try request("POST", "/threads", body: "{}"))
        _ = try request("POST", "/threads/\(thread)/messages", body: #"{"role":"user","content":"\#(question)"}"#)
        return (assistant, thread)
    }

    /// A run on a new thread asking `question`, its events streaming to a curl in the background.
    /// With `afterTools` the first stream (ending when the run asks for tools) is read whole, the
    /// calls are answered, and the stream returned is the one `submit_tool_outputs` opens.
    func streamedRun(asking question: String, afterTools: Bool) throws -> (threadID: String, stream: RunningBinary) {
        let (assistant, thread) = try assistantAndThread(asking: question)
        var path = "/threads/\(thread)/runs"
        var body = #"{"assistant_id":"\#(assistant)","stream":true}"#
        if afterTools {
            let events = try request("POST", path, body: body)
            var calls: [String] = []
            var rest = Substring(events)
            while let range = rest.range(of: #""id":"call_[^"]+""#, options: .regularExpression) {
                let call = String(rest[range].dropFirst(6).dropLast())
                if !calls.contains(call) { calls.append(call) }
                rest = rest[range.upperBound...]
            }
            path += "/\(id(events, prefix: "run_"))/submit_tool_outputs"
            body =
                #"{"stream":true,"tool_outputs":[\#(calls.map { #"{"tool_call_id":"\#($0)","output":"0.5"}"# }.joined(separator: ","))]}"#
        }
        return (thread, try RunningBinary("/usr/bin/curl", ["-N"] + curlArguments("POST", path, body: body)))
    }

    /// The reply text in the `thread.message.delta` events of a stream's text.
    static func deltaText(_ events: String) -> String {
        events.components(separatedBy: "\n\n").compactMap { event -> String? in
            guard event.hasPrefix("event: thread.message.delta\ndata: "),
                let object = try? JSONSerialization.jsonObject(with: Data(event.dropFirst(34).utf8)) as? [String: Any],
                let content = (object["delta"] as? [String: Any])?["content"] as? [[String: Any]]
            else { return nil }
            return content.compactMap { ($0["text"] as? [String: Any])?["value"] as? String }.joined()
        }.joined()
    }

    /// A thread asking the seed question, and its run left waiting for the two tools' outputs.
    func runWaitingForTools() throws -> (threadID: String, runID: String) {
        let (assistant, thread) = try assistantAndThread(asking: CrashAndConcurrencyTests.seedQuestion)
        // Answered queued, as the API does; the run goes on to wait for its tools.
        let run = id(try request("POST", "/threads/\(thread)/runs", body: #"{"assistant_id":"\#(assistant)"}"#))
        for _ in 0..<1_000 {
            if try runStatus(thread, run) == "requires_action" { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard try runStatus(thread, run) == "requires_action" else { throw ServeFailed(stderr: process.stderr) }
        return (thread, run)
    }

    func runStatus(_ threadID: String, _ runID: String) throws -> String {
        let run = try request("GET", "/threads/\(threadID)/runs/\(runID)")
        guard let range = run.range(of: #""status":"[a-z_]+""#, options: .regularExpression) else { return run }
        return String(run[range].dropFirst(10).dropLast())
    }
}
