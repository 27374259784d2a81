import Foundation

/// The result of running a command to completion.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the built `threadline` binary (or any command) with input on stdin.
public enum ProcessRunner {
    /// The binary under test: THREADLINE_BIN, else the debug build in this package.
    public static var threadlineBinary: String {
        ProcessInfo.processInfo.environment["THREADLINE_BIN"] ?? packageRoot + "/.build/debug/threadline"
    }

    /// How long a child may run before it is killed, so a hung child fails its test instead of
    /// hanging the suite (and outliving it).
    public static let patience: TimeInterval = 300

    /// Runs `executable` with `arguments`, feeding `input` and closing stdin; the environment is
    /// the test's own plus `environment`. The child is owned by TestChildren while it runs.
    public static func run(
        _ executable: String = threadlineBinary, _ arguments: [String] = [], input: Data = Data(),
        environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        let (process, stdin, stdout, stderr) = prepare(executable, arguments, environment: environment)
        try spawning {
            try process.run()
            TestChildren.shared.track(process)
            // Still inside the lock: a child spawned later must not inherit this write end, or
            // this process would never see end of input while that child lives.
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        defer { TestChildren.shared.end(process) }
        let overdue = DispatchWorkItem { TestChildren.shared.end(process) }
        DispatchQueue.global().asyncAfter(deadline: .now() + patience, execute: overdue)
        defer { overdue.cancel() }
        let errorData = ErrorCollector(stderr.fileHandleForReading)
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return ProcessOutput(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errorData.wait(), as: UTF8.self)
                + (killed ? "\n[test: killed after \(Int(patience)) s]\n" : ""))
    }

    /// A process for `executable` with pipes on its three standard streams, not started; the
    /// environment is the test's own plus `environment`.
    public static func prepare(
        _ executable: String = threadlineBinary, _ arguments: [String], environment: [String: String]
    ) -> (process: Process, stdin: Pipe, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        return (process, stdin, stdout, stderr)
    }

    /// Convenience: `input` as UTF-8 lines.
    public static func run(
        _ arguments: [String] = [], lines: [String], environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        try run(threadlineBinary, arguments, input: Data(joined(lines).utf8), environment: environment)
    }

    /// The same, waiting on a Dispatch thread: the few threads of the concurrency pool must
    /// stay free, since the child may be talking to a fake server in this process.
    public static func run(
        _ executable: String = threadlineBinary, _ arguments: [String] = [], input: Data = Data(),
        environment: [String: String] = [:]
    ) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(executable, arguments, input: input, environment: environment) })
            }
        }
    }

    public static func run(
        _ arguments: [String] = [], lines: [String], environment: [String: String] = [:]
    ) async throws -> ProcessOutput {
        try await run(threadlineBinary, arguments, input: Data(joined(lines).utf8), environment: environment)
    }

    private static func joined(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
}

/// Serialises every spawn of the test process. Foundation's pipes are inherited by children
/// spawned meanwhile, so spawning and closing our end of a child's stdin happen under one lock.
private let spawnLock = NSLock()

public func spawning<T>(_ body: () throws -> T) rethrows -> T {
    spawnLock.lock()
    defer { spawnLock.unlock() }
    return try body()
}

/// Reads a pipe to its end on its own thread, so stdout and stderr drain together.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
