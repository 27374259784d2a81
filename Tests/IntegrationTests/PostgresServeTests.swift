import Foundation
import TestSupport
import Testing

/// Where two instances keep their threads: one PostgreSQL database (the tests' own cluster), or
/// one SQLite file they share on one host.
enum SharedStore: String, CaseIterable, Sendable {
    case postgres
    case sqlite
}

/// Two `threadline serve` instances on one store, as behind a load balancer: any instance
/// answers for any thread, one instance executes each run, and a run whose instance is killed is
/// failed by the other. The same tests run on PostgreSQL and on a shared SQLite file. Every wait
/// is bounded; nothing here asserts how long anything took.
@Suite(.timeLimit(.minutes(3)))
struct PostgresServeTests {
    let homeA = TemporaryDirectory("threadline-pg-a")
    let homeB = TemporaryDirectory("threadline-pg-b")

    /// Two running instances and how another process reaches their threads.
    struct Instances {
        var a: ServeProcess
        var b: ServeProcess
        /// What a REPL or `threads` command adds to reach the same threads (`--database URL`).
        var arguments: [String]
        /// The home such a process uses (the shared one on SQLite).
        var home: String
        /// Never printed: the database password (PostgreSQL only).
        var secret: String?

        func killBoth() {
            a.process.kill9()
            b.process.kill9()
        }
    }

    /// Two instances on a fresh store: on PostgreSQL each has a home of its own and all they
    /// share is the database; on SQLite they share the home. The caller kills them.
    func instances(_ store: SharedStore, delayMsA: Int = 0) async throws -> Instances {
        var (environmentA, environmentB) = (environment(homeA, delayMs: delayMsA), environment(homeB))
        var arguments: [String] = []
        var secret: String?
        switch store {
        case .postgres:
            let cluster = try await PostgresCluster.shared()
            let url = try cluster.createDatabase()
            environmentA["THREADLINE_DATABASE_URL"] = url
            environmentB["THREADLINE_DATABASE_URL"] = url
            (arguments, secret) = (["--database", url], cluster.password)
        case .sqlite:
            environmentB["THREADLINE_HOME"] = homeA.path
        }
        // Started together: their migrations meet on the empty store.
        async let a = offPool { [environmentA] in try ServeProcess(environment: environmentA) }
        async let b = offPool { [environmentB] in try ServeProcess(environment: environmentB) }
        return Instances(
            a: try await a, b: try await b, arguments: arguments, home: store == .sqlite ? homeA.path : homeB.path, secret: secret)
    }

    func environment(_ home: TemporaryDirectory, delayMs: Int = 0) -> [String: String] {
        ["THREADLINE_HOME": home.path, "THREADLINE_DATABASE_URL": "", "THREADLINE_DEMO_DELAY_MS": "\(delayMs)", "THREADLINE_BACKEND": ""]
    }

    @Test(arguments: SharedStore.allCases)
    func createOnOneRunOnTheOtherSubmitOnTheFirstListOnTheSecond(_ store: SharedStore) async throws {
        let instances = try await instances(store)
        let (a, b) = (instances.a, instances.b)
        defer { instances.killBoth() }
        let (threadID, runID, calls) = try await offPool { () -> (String, String, [String]) in
            let assistant = try a.object("POST", "/assistants", body: ServeProcess.weatherAssistant)
            let thread = try a.object("POST", "/threads", body: "{}")
            let threadID = thread.string("id")
            _ = try a.object(
                "POST", "/threads/\(threadID)/messages", body: #"{"role":"user","content":"\#(CrashAndConcurrencyTests.seedQuestion)"}"#)
            let run = try b.object("POST", "/threads/\(threadID)/runs", body: #"{"assistant_id":"\#(assistant.string("id"))"}"#)
            let runID = run.string("id")
            let waiting = try a.waitForRun(threadID, runID) { $0 == "requires_action" }
            return (threadID, runID, waiting.toolCallIDs)
        }
        #expect(calls.count == 2)
        let completed = try await offPool { () -> JSONObject in
            let outputs = calls.map { #"{"tool_call_id":"\#($0)","output":"{\"value\":20}"}"# }.joined(separator: ",")
            _ = try a.object("POST", "/threads/\(threadID)/runs/\(runID)/submit_tool_outputs", body: #"{"tool_outputs":[\#(outputs)]}"#)
            return try b.waitForRun(threadID, runID) { $0 == "completed" }
        }
        #expect(completed.string("status") == "completed")
        let listed = try await offPool { try b.object("GET", "/threads/\(threadID)/messages?order=asc") }
        let messages = listed.objects("data")
        #expect(messages.map { $0.string("role") } == ["user", "assistant"])
        #expect(messages.last?.string("run_id") == runID)
        if let secret = instances.secret { #expect(!a.process.stderr.contains(secret) && !b.process.stderr.contains(secret)) }
    }

    @Test(arguments: SharedStore.allCases)
    func aCancelAtOneInstanceReachesTheRunExecutingOnTheOther(_ store: SharedStore) async throws {
        let instances = try await instances(store, delayMsA: 150)
        let (a, b) = (instances.a, instances.b)
        defer { instances.killBoth() }
        let (threadID, runID) = try await offPool { try a.startRun(question: "Tell me a joke.") }
        let cancelled = try await offPool { () -> JSONObject in
            _ = try a.waitForRun(threadID, runID) { $0 == "in_progress" }
            _ = try b.object("POST", "/threads/\(threadID)/runs/\(runID)/cancel", body: "{}")
            return try a.waitForRun(threadID, runID) { RunningStatus.ended.contains($0) }
        }
        #expect(cancelled.string("status") == "cancelled")
        // The thread takes the next run, on either instance.
        let next = try await offPool { () -> JSONObject in
            let (_, nextRun) = try b.startRun(question: "Are you there?", threadID: threadID)
            return try a.waitForRun(threadID, nextRun) { RunningStatus.ended.contains($0) }
        }
        #expect(next.string("status") == "completed")
    }

    @Test(arguments: SharedStore.allCases)
    func killingTheInstanceRunningAStreamedRunFailsItOnTheOtherKeepingItsText(_ store: SharedStore) async throws {
        let instances = try await instances(store, delayMsA: 150)
        let (a, b) = (instances.a, instances.b)
        defer { instances.killBoth() }
        let (assistantID, threadID) = try await offPool { () -> (String, String) in
            let assistant = try a.object("POST", "/assistants", body: ServeProcess.weatherAssistant)
            let thread = try a.object("POST", "/threads", body: "{}")
            _ = try a.object("POST", "/threads/\(thread.string("id"))/messages", body: #"{"role":"user","content":"Tell me a joke."}"#)
            return (assistant.string("id"), thread.string("id"))
        }
        let stream = try RunningBinary(
            "/usr/bin/curl",
            ["-N"] + a.curlArguments("POST", "/threads/\(threadID)/runs", body: #"{"assistant_id":"\#(assistantID)","stream":true}"#))
        defer { stream.kill9() }
        // Text written to the database before the kill, read through the other instance.
        var written = ""
        for _ in 0..<300 where written.isEmpty {
            let messages = try await offPool { try b.object("GET", "/threads/\(threadID)/messages?order=asc") }
            written = messages.objects("data").last { $0.string("role") == "assistant" }?.text ?? ""
            if written.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(!written.isEmpty, "no text was written: \(stream.stdout.suffix(500))")
        #expect(stream.stdout.contains("thread.message.delta"))
        a.process.kill9()

        let runID = try await offPool { () -> String in
            let runs = try b.object("GET", "/threads/\(threadID)/runs")
            return runs.objects("data").first?.string("id") ?? ""
        }
        // Within the lease time (10 s) plus a sweep (2 s); the wait is bounded well past it.
        let failed = try await offPool { try b.waitForRun(threadID, runID) { RunningStatus.ended.contains($0) } }
        #expect(failed.string("status") == "failed")
        let lastError = failed.object("last_error")
        #expect(lastError?.string("code") == "server_error")
        #expect(lastError?.string("message").contains("running it stopped") == true)
        let kept = try await offPool { try b.object("GET", "/threads/\(threadID)/messages?order=asc") }
        let reply = kept.objects("data").last { $0.string("role") == "assistant" }?.text ?? ""
        #expect(reply.hasPrefix(written), "written before the kill: \(written.debugDescription), kept: \(reply.debugDescription)")
        // The thread accepts the next run.
        let next = try await offPool { () -> JSONObject in
            let (_, nextRun) = try b.startRun(question: "Are you there?", threadID: threadID)
            return try b.waitForRun(threadID, nextRun) { RunningStatus.ended.contains($0) }
        }
        #expect(next.string("status") == "completed")
    }

    @Test(arguments: SharedStore.allCases)
    func twentyClientsOnBothInstancesLoseNothingAndRunNothingTwice(_ store: SharedStore) async throws {
        let instances = try await instances(store)
        let (a, b) = (instances.a, instances.b)
        defer { instances.killBoth() }
        let assistantID = try await offPool { try a.object("POST", "/assistants", body: ServeProcess.weatherAssistant).string("id") }
        // Each client: a thread of its own, two turns, every request alternating between the instances.
        let threads = try await withThrowingTaskGroup(of: String.self) { group in
            for client in 0..<20 {
                group.addTask {
                    try await offPool {
                        let (first, second) = client % 2 == 0 ? (a, b) : (b, a)
                        let threadID = try first.object("POST", "/threads", body: "{}").string("id")
                        for turn in 0..<2 {
                            _ = try second.object(
                                "POST", "/threads/\(threadID)/messages",
                                body: #"{"role":"user","content":"client \#(client) turn \#(turn)"}"#)
                            let run = try first.object("POST", "/threads/\(threadID)/runs", body: #"{"assistant_id":"\#(assistantID)"}"#)
                            let ended = try second.waitForRun(threadID, run.string("id")) { RunningStatus.ended.contains($0) }
                            guard ended.string("status") == "completed" else { throw UnexpectedAnswer(text: "\(ended)") }
                        }
                        return threadID
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(threads.count == 20)
        for threadID in threads {
            let listed = try await offPool { try a.object("GET", "/threads/\(threadID)/messages?order=asc&limit=100") }
            let messages = listed.objects("data")
            #expect(messages.map { $0.string("role") } == ["user", "assistant", "user", "assistant"])
            #expect(messages.first?.text.hasSuffix("turn 0") == true && messages[safe: 2]?.text.hasSuffix("turn 1") == true)
        }
        // No run executed twice: each run wrote exactly one reply and one message-creation step.
        let counts = try await offPool { () -> [String: [Int]] in
            var counts: [String: [Int]] = [:]
            for threadID in threads {
                for run in try b.object("GET", "/threads/\(threadID)/runs?limit=100").objects("data") {
                    let runID = run.string("id")
                    #expect(run.string("status") == "completed")
                    counts[runID] = [
                        try a.object("GET", "/threads/\(threadID)/messages?run_id=\(runID)&limit=100").objects("data").count,
                        try b.object("GET", "/threads/\(threadID)/runs/\(runID)/steps?limit=100").objects("data").count,
                    ]
                }
            }
            return counts
        }
        #expect(counts.count == 40)
        #expect(counts.filter { $0.value != [1, 1] }.isEmpty, "runs with other than one reply and one step: \(counts)")
    }

    @Test(arguments: SharedStore.allCases)
    func theREPLAndAServeInstanceShareAThread(_ store: SharedStore) async throws {
        let instances = try await instances(store)
        let (a, b) = (instances.a, instances.b)
        defer { instances.killBoth() }
        let repl = [
            "THREADLINE_HOME": instances.home, "THREADLINE_DATABASE_URL": "", "THREADLINE_DEMO_DELAY_MS": "0", "THREADLINE_BACKEND": "",
        ]
        let first = try await ProcessRunner.run(instances.arguments, lines: ["Tell me a joke."], environment: repl)
        #expect(first.status == 0, "\(first.stderr)")
        let listed = try await ProcessRunner.run(["threads", "list"] + instances.arguments, lines: [], environment: repl)
        let threadID = try #require(
            listed.stdout.firstMatch(of: /thread_[A-Za-z0-9]+/).map { String($0.output) }, "\(listed.stdout)\(listed.stderr)")

        let (_, runID) = try await offPool { try b.startRun(question: "Are you there?", threadID: threadID) }
        _ = try await offPool { try a.waitForRun(threadID, runID) { RunningStatus.ended.contains($0) } }
        // The environment variable selects the database as the flag does.
        let url = instances.arguments.last ?? ""
        let shown = try await ProcessRunner.run(
            ["threads", "show", threadID], lines: [], environment: repl.merging(["THREADLINE_DATABASE_URL": url]) { $1 })
        let transcript = shown.stdout + shown.stderr
        #expect(transcript.contains("Tell me a joke.") && transcript.contains("Are you there?"), "\(transcript)")
        if let secret = instances.secret {
            for output in [first, listed, shown] { #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret)) }
        }
    }

    @Test func aWrongPasswordIsOneLineThatNeverShowsThePassword() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = cluster.url(database: "postgres", password: "wrong-secret")
        let home = TemporaryDirectory("threadline-pg-wrong")
        for arguments in [
            ["-p", "hello", "--database", url], ["serve", "--port", "0", "--database", url], ["threads", "--database", url],
        ] {
            let output = try await ProcessRunner.run(
                arguments, lines: [], environment: ["THREADLINE_HOME": home.path, "THREADLINE_BACKEND": ""])
            #expect(output.status != 0)
            #expect(output.stderr.contains("postgres://threadline:***@127.0.0.1:\(cluster.port)/postgres"), "\(output.stderr)")
            #expect(output.stderr.contains("password authentication failed"), "\(output.stderr)")
            #expect(!output.stderr.contains("wrong-secret") && !output.stdout.contains("wrong-secret"))
        }
    }
}

/// Run statuses as the tests wait for them.
enum RunningStatus {
    static let ended: Set<String> = ["completed", "failed", "cancelled", "expired", "incomplete"]
}

struct UnexpectedAnswer: Error { var text: String }

extension ServeProcess {
    /// An assistant with the seed notebook's two weather tools.
    static let weatherAssistant: String = {
        let function = { (name: String) in
            #"{"type":"function","function":{"name":"\#(name)","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}"#
        }
        return #"{"model":"gpt-4o","tools":[\#(function("get_current_temperature")),\#(function("get_rain_probability"))]}"#
    }()

    /// The JSON object a request answers; an API error is thrown.
    func object(_ method: String, _ path: String, body: String? = nil) throws -> JSONObject {
        let text = try request(method, path, body: body)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], object["error"] == nil else {
            throw UnexpectedAnswer(text: "\(method) \(path): \(text)")
        }
        return JSONObject(fields: object)
    }

    /// A run started on a new thread (or `threadID`) asking `question`, not waited for.
    func startRun(question: String, threadID: String? = nil) throws -> (threadID: String, runID: String) {
        let assistant = try object("POST", "/assistants", body: Self.weatherAssistant).string("id")
        let thread = try threadID ?? object("POST", "/threads", body: "{}").string("id")
        _ = try object("POST", "/threads/\(thread)/messages", body: #"{"role":"user","content":"\#(question)"}"#)
        let run = try object("POST", "/threads/\(thread)/runs", body: #"{"assistant_id":"\#(assistant)"}"#)
        return (thread, run.string("id"))
    }

    /// Polls the run until its status satisfies `done`, for at most about 60 s.
    func waitForRun(_ threadID: String, _ runID: String, until done: (String) -> Bool) throws -> JSONObject {
        var run = JSONObject(fields: [:])
        for _ in 0..<1_200 {
            run = try object("GET", "/threads/\(threadID)/runs/\(runID)")
            if done(run.string("status")) { return run }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw UnexpectedAnswer(text: "run \(runID) never got there: \(run)")
    }
}

/// A JSON object an instance answered: plain JSON values, read only.
struct JSONObject: @unchecked Sendable, CustomStringConvertible {
    let fields: [String: Any]

    func string(_ key: String) -> String { fields[key] as? String ?? "" }
    func object(_ key: String) -> JSONObject? { (fields[key] as? [String: Any]).map(JSONObject.init(fields:)) }
    func objects(_ key: String) -> [JSONObject] { (fields[key] as? [[String: Any]] ?? []).map(JSONObject.init(fields:)) }
    var description: String { "\(fields)" }

    /// The ids of the tool calls a run waits for.
    var toolCallIDs: [String] {
        object("required_action")?.object("submit_tool_outputs")?.objects("tool_calls").map { $0.string("id") } ?? []
    }

    /// A message's text.
    var text: String { objects("content").compactMap { $0.object("text")?.string("value") }.joined() }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
