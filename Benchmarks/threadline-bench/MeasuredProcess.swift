import Foundation

/// Runs another program for a benchmark, stdin from a file (`/dev/null` unless given), its
/// output discarded.
enum MeasuredProcess {
    /// GNU time measures peak RSS: it `fork`s, so the figure is the child's own. (A child started
    /// with `posix_spawn`, as `Process` does, inherits the parent's RSS as its `ru_maxrss`.)
    static let gnuTime = "/usr/bin/time"

    /// Starts `arguments` (a path, then its arguments); the caller waits for it.
    static func start(
        _ arguments: [String], environment: [String: String], input: String = "/dev/null",
        standardError: Any? = FileHandle.nullDevice
    ) throws(BenchFailure) -> Process {
        guard let stdin = FileHandle(forReadingAtPath: input) else { throw BenchFailure("cannot read \(input)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError
        do {
            try process.run()
        } catch {
            throw BenchFailure("cannot start \(arguments[0]): \(error.localizedDescription)")
        }
        return process
    }

    /// Seconds from start to exit of one run; a non-zero exit fails the benchmark.
    static func time(
        _ arguments: [String], environment: [String: String], input: String = "/dev/null"
    ) throws(BenchFailure) -> Double {
        let started = ContinuousClock.now
        let process = try start(arguments, environment: environment, input: input)
        process.waitUntilExit()
        let elapsed = (ContinuousClock.now - started).inSeconds
        guard process.terminationStatus == 0 else {
            throw BenchFailure("\(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
        return elapsed
    }

    /// Peak resident set size of one run, in KiB.
    static func peakRSS(
        _ arguments: [String], environment: [String: String], input: String = "/dev/null", scratch: URL
    ) throws(BenchFailure) -> Int {
        let report = scratch.appendingPathComponent("rss-\(UUID().uuidString)")
        let process = try start([gnuTime, "-f", "%M", "-o", report.path] + arguments, environment: environment, input: input)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let text = try? String(contentsOf: report, encoding: .utf8),
            let kib = text.split(whereSeparator: \.isNewline).last.flatMap({ Int($0) })
        else {
            throw BenchFailure("\(gnuTime) could not measure \(arguments[0]) (status \(process.terminationStatus))")
        }
        return kib
    }

    /// `VmRSS` and `VmHWM` (peak) of a running process, in KiB, from `/proc`.
    static func memory(of pid: Int32) -> (current: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            status.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }
        }
        guard let current = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (current, peak)
    }
}
