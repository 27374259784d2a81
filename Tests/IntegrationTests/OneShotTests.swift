import Foundation
import TestSupport
import Testing
import Tools

/// `threadline -p`, `threadline question words` and `threadline -`: one message, one reply on
/// stdout, the exit status says whether the run worked.
@Suite struct OneShotTests {
    let home = TemporaryDirectory("threadline-oneshot")

    var environment: [String: String] { ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"] }

    func run(_ arguments: [String], input: String = "") throws -> ProcessOutput {
        try ProcessRunner.run(ProcessRunner.threadlineBinary, arguments, input: Data(input.utf8), environment: environment)
    }

    func threads() throws -> [Substring] {
        try run(["threads", "list"]).stdout.split(separator: "\n")
    }

    @Test func promptFlagPrintsOnlyTheReplyAndExitsZero() throws {
        let output = try run(["-p", "What's the temperature in Seoul?"], input: "ignored\n")
        #expect(output.status == 0)
        let temperature = DemoWeather.temperature(location: "서울/서울특별시")
        #expect(output.stdout == "It is currently \(temperature)°C in Seoul.\n\nAnything else you'd like to know?\n")
        #expect(output.stderr.contains("→ get_current_temperature(location: 서울/서울특별시)"))
        // The status line goes to stderr: elapsed seconds, tool calls, tokens.
        let status = try #require(output.stderr.split(separator: "\n").last)
        #expect(status.contains("s · 1 tool call · ") && status.hasSuffix(" out tokens"), "\(status)")
    }

    @Test func argumentsAreTheQuestionAndContinueReusesTheThread() throws {
        let first = try run(["What's", "the", "temperature", "in", "Busan?"])
        #expect(first.status == 0)
        #expect(first.stdout.contains("in Busan."))
        let second = try run(["--continue", "-p", "And the chance of rain in Busan?"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("The chance of rain today is"))
        let listed = try threads()
        #expect(listed.count == 1, "--continue must not open a new thread: \(listed)")
        let third = try run(["-p", "What's the temperature in Busan?"])
        #expect(third.status == 0)
        #expect(try threads().count == 2, "without --continue a one-shot opens a new thread")
    }

    @Test func dashReadsAllOfStdinAsOneMessage() throws {
        let output = try run(["-"], input: "What's the temperature\nin Seoul?\n")
        #expect(output.status == 0)
        #expect(output.stdout.contains("It is currently"))
        #expect(output.stdout.components(separatedBy: "Anything else you'd like to know?").count == 2, "one reply")
        let id = try #require(try threads().first?.split(separator: " ").dropFirst().first)
        let shown = try run(["threads", "show", String(id)])
        #expect(
            shown.stdout.contains("you> What's the temperature\nin Seoul?")
                || shown.stderr.contains("you> What's the temperature\nin Seoul?"))
    }

    @Test func failuresExitNonZeroWithOneErrorLine() throws {
        let empty = try run(["-"], input: "\n  \n")
        #expect(empty.status != 0)
        #expect(empty.stderr == "error: the message is empty; nothing sent\n")
        let unknownThread = try run(["--thread", "thread_nope", "-p", "hello"])
        #expect(unknownThread.status != 0)
        #expect(unknownThread.stderr.contains("no thread with id thread_nope"))
        #expect(unknownThread.stdout.isEmpty)
        // Nothing listens on port 1: the backend cannot be reached.
        let unreachable = try run(["--backend", "assistants", "--base-url", "http://127.0.0.1:1/v1", "-p", "hello"])
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("error:"))
        let both = try run(["-p", "one", "two"])
        #expect(both.status != 0)
    }

    @Test func ctrlCCancelsTheRunKeepsThePartialReplyAndExitsNonZero() async throws {
        let (status, errors, output) = try await signalMidReply { $0.interrupt() }
        #expect(status == .exit(1))
        // One notice, on its own line; the partial reply on stdout ends its line.
        #expect(errors.contains("[cancelled: partial reply]\n"), "\(errors)")
        #expect(!errors.contains("run cancelled"), "\(errors)")
        #expect(output.hasSuffix("\n") && !output.hasSuffix("\n\n"), "\(output)")
        try expectPartialReplyStored()
    }

    @Test func sigtermCancelsTheRunKeepsThePartialReplyAndExitsWith143() async throws {
        let (status, errors, _) = try await signalMidReply { $0.terminate() }
        #expect(status == .exit(128 + SIGTERM), "exits as a shell reports death by SIGTERM, after storing the run")
        #expect(errors.contains("[cancelled: partial reply]"), "\(errors)")
        try expectPartialReplyStored()
    }

    enum Ending: Equatable {
        case exit(Int32)
        case signal(Int32)
    }

    /// Starts a slow one-shot reply, calls `send` once its first bytes arrived, and returns how
    /// the process ended, its stderr and its stdout.
    func signalMidReply(_ send: (Process) -> Void) async throws -> (Ending, errors: String, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.threadlineBinary)
        process.arguments = ["-p", "What's the weather in Seoul for the next 5 days?"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "150"]) { $1 }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try spawning { try process.run() }
        TestChildren.shared.track(process)
        defer { TestChildren.shared.end(process) }
        let firstBytes = await Task.detached { stdout.fileHandleForReading.availableData }.value
        #expect(!firstBytes.isEmpty, "the reply had started")
        send(process)
        return await Task.detached { () -> (Ending, errors: String, output: String) in
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            let output = firstBytes + stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let status = process.terminationStatus
            return (
                process.terminationReason == .exit ? .exit(status) : .signal(status), String(decoding: errors, as: UTF8.self),
                String(decoding: output, as: UTF8.self)
            )
        }.value
    }

    /// The newest thread's transcript holds the cancelled run's partial reply.
    func expectPartialReplyStored() throws {
        let thread = try #require(try threads().first?.split(separator: " ").dropFirst().first)
        let shown = try run(["threads", "show", String(thread)]).stdout
        #expect(shown.contains("[partial]"), "\(shown)")
    }
}
