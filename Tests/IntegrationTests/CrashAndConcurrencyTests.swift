import Foundation
import TestSupport
import Testing

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

    enum KillPoint: String, CaseIterable, Sendable {
        /// The reply has started to show.
        case midStream
        /// The tools have run (stderr shows them); the run waits for or has just taken their outputs.
        case afterTools
        /// The process has only just printed its first tool line's start.
        case midSecondStep
    }

    @Test(arguments: KillPoint.allCases)
    func aPipedSessionKilledMidTurnLeavesTheThreadUsableWithItsText(at point: KillPoint) async throws {
        let question = point == .midStream ? "Tell me a joke." : Self.seedQuestion
        let first = try RunningBinary([], lines: [question], environment: environment(delayMs: 40))
        let reached = await first.waitFor { stdout, stderr in
            switch point {
            case .midStream: !stdout.isEmpty
            case .afterTools: stderr.contains("→ get_rain_probability")
            case .midSecondStep: stderr.contains("→ get_rain_probability") && !stdout.isEmpty
            }
        }
        try #require(reached, "the turn never got there: \(first.stderr)")
        let shown = first.stdout
        first.kill9()
        let threadID = try latestThread()

        // The next process finds the run's owner gone and fails it at once: no lease to wait out.
        let next = try await ProcessRunner.run(["--thread", threadID], lines: ["Are you there?"], environment: environment())
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(!next.stdout.isEmpty)

        let transcript = try show(threadID)
        #expect(transcript.contains(question))
        #expect(transcript.contains("Are you there?"))
        if !shown.isEmpty {
            // What was on the screen before the kill is kept (its first piece at least).
            let start = String(shown.prefix(4))
            #expect(transcript.contains(start), "shown \(shown.debugDescription), stored \(transcript)")
        }
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

    @Test func aRestartedServeFailsTheRunItsKilledPredecessorLeftAndTheThreadMovesOn() async throws {
        let serveEnvironment = environment()
        let crashed = try await offPool { try ServeProcess(environment: serveEnvironment) }
        let (threadID, runID) = try await offPool { try crashed.runWaitingForTools() }
        crashed.process.kill9()

        let restarted = try await offPool { try ServeProcess(environment: serveEnvironment) }
        defer { restarted.process.kill9() }
        let run = try await offPool { try restarted.request("GET", "/threads/\(threadID)/runs/\(runID)") }
        #expect(run.contains(#""status":"failed""#))
        #expect(run.contains("the process running it stopped"))
        let added = try await offPool {
            try restarted.request("POST", "/threads/\(threadID)/messages", body: #"{"role":"user","content":"again"}"#)
        }
        #expect(added.contains(#""object":"thread.message""#), "\(added)")
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
        _ arguments: [String], lines: [String] = [], environment: [String: String],
        executable: String = ProcessRunner.threadlineBinary
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

/// `threadline serve` on a free port, driven with curl.
struct ServeProcess {
    let process: RunningBinary
    let baseURL: String

    init(environment: [String: String]) throws {
        process = try RunningBinary(["serve", "--port", "0"], environment: environment)
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

    func request(_ method: String, _ path: String, body: String? = nil) throws -> String {
        var arguments = ["-sS", "-X", method, baseURL + path, "-H", "Content-Type: application/json", "-H", "OpenAI-Beta: assistants=v2"]
        if let body { arguments += ["-d", body] }
        return try ProcessRunner.run("/usr/bin/curl", arguments).stdout
    }

    private func id(_ json: String) -> String {
        guard let range = json.range(of: #""id":"[^"]+""#, options: .regularExpression) else { return "" }
        return String(json[range].dropFirst(6).dropLast())
    }

    /// A thread asking the seed question, and its run left waiting for the two tools' outputs.
    func runWaitingForTools() throws -> (threadID: String, runID: String) {
        let function = { (name: String) in
            #"{"type":"function","function":{"name":"\#(name)","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}"#
        }
        let assistant = id(
            try request(
                "POST", "/assistants",
                body: #"{"model":"gpt-4o","tools":[\#(function("get_current_temperature")),\#(function("get_rain_probability"))]}"#))
        let thread = id(try request("POST", "/threads", body: "{}"))
        _ = try request(
            "POST", "/threads/\(thread)/messages", body: #"{"role":"user","content":"\#(CrashAndConcurrencyTests.seedQuestion)"}"#)
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
