import Foundation
import TestSupport
import Testing

/// Settings out of range are refused at parse time with one line, and first starts at once do not
/// race each other (docs/reliability.md, "Limits").
@Suite struct LimitsTests {
    let home = TemporaryDirectory("threadline-limits")

    var environment: [String: String] { ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"] }

    /// ArgumentParser's exit status for a validation error (EX_USAGE).
    static let usageStatus: Int32 = 64

    @Test(arguments: ["--tool-timeout", "--read-timeout", "--connect-timeout"], ["1e300", "inf", "nan", "86401", "-1"])
    func timeoutFlagOutOfRangeIsAUsageError(flag: String, value: String) throws {
        let output = try ProcessRunner.run(
            ["--backend", "chat", "--base-url", "http://127.0.0.1:9", "\(flag)=\(value)"], lines: ["hi"], environment: environment)
        #expect(output.status == Self.usageStatus)
        #expect(output.stderr.contains("\(flag) must be a positive number of seconds, at most 86400"))
    }

    @Test(arguments: ["1e300", "9223372036854775807", "86401", "0"])
    func serveRunExpiryOutOfRangeIsAUsageError(value: String) throws {
        let output = try ProcessRunner.run(["serve", "--port", "0", "--run-expiry", value], lines: [], environment: environment)
        #expect(output.status != 0)
        #expect(output.stderr.contains("--run-expiry"))
    }

    @Test func largestTimeoutIsAccepted() throws {
        let output = try ProcessRunner.run(["--tool-timeout", "86400"], lines: ["hi"], environment: environment)
        #expect(output.status == 0)
    }

    /// Four first starts on an empty home at once, three times over (without the lock, about one
    /// process in seven failed): every one exits 0 and stores its turn.
    @Test(arguments: 1...3)
    func simultaneousFirstStartsAllSucceed(round: Int) async throws {
        let home = TemporaryDirectory("threadline-first-start")
        let environment = ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"]
        let count = 4
        let outputs = try await withThrowingTaskGroup(of: ProcessOutput.self) { group in
            for index in 0..<count {
                group.addTask { try await ProcessRunner.run(lines: ["hello \(index)"], environment: environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for output in outputs {
            #expect(output.status == 0, "\(output.stderr)")
        }
        let list = try await ProcessRunner.run(["threads", "list"], lines: [], environment: environment)
        #expect(list.status == 0)
        for index in 0..<count {
            #expect(list.stdout.contains("hello \(index)"), "\(list.stdout)")
        }
    }
}
