import ArgumentParser
import Foundation

/// A benchmark that cannot vouch for its figures (the clients disagree, the work failed): printed
/// as one `MISMATCH` line or a short reason, and the command exits 1.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Formatting and reporting shared by the benchmark cases.
enum BenchReport {
    static var buildConfiguration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    /// One line on stderr, prefixed with the command name.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(("threadline-bench: " + text + "\n").utf8))
    }

    /// Reports `failure` and exits 1.
    static func fail(_ failure: BenchFailure) -> ExitCode {
        printError(failure.description)
        return ExitCode.failure
    }

    static func format(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func rightPad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value))
        var result = ""
        while digits.count > 3 {
            result = "," + String(digits.suffix(3)) + result
            digits.removeLast(3)
        }
        return String(digits) + result
    }

    /// A fresh temporary directory, for a benchmark's state and scratch files.
    static func scratchDirectory() throws(BenchFailure) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("threadline-bench-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw BenchFailure("cannot create \(url.path): \(error.localizedDescription)")
        }
        return url
    }

    /// Runs a case with a scratch directory removed afterwards: a `BenchFailure` becomes one
    /// line on stderr and exit status 1.
    static func reporting(_ body: (URL) async throws -> Void) async throws {
        do {
            let scratch = try scratchDirectory()
            defer { try? FileManager.default.removeItem(at: scratch) }
            try await body(scratch)
        } catch let failure as BenchFailure {
            throw fail(failure)
        }
    }

    /// The environment `threadline` runs in for a benchmark: state in `home`, the demo model
    /// streaming without its artificial delay.
    static func threadlineEnvironment(home: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["THREADLINE_HOME"] = home.path
        environment["THREADLINE_DEMO_DELAY_MS"] = "0"
        return environment
    }
}
