import Foundation

/// A baseline script in `Benchmarks/` run with the venv's Python: it prints its result as one
/// JSON line on stdout (the last line counts). Any benchmark case can compare itself against one.
struct PythonBaseline {
    static let venvPython = ".venv/bin/python3"

    /// `.venv/bin/python3` when it exists (`make venv`), else `python3` from `PATH`.
    static var defaultPython: String {
        FileManager.default.isExecutableFile(atPath: venvPython) ? venvPython : "python3"
    }

    /// Why the baseline gave no result, in a few words for one stderr line.
    struct Failure: Error {
        var reason: String
    }

    var python: String
    var script: String

    /// Runs the script with `arguments` and decodes its last stdout line. `scratch` holds its stderr.
    func run<Result: Decodable>(_ arguments: [String], scratch: URL, as type: Result.Type) throws(Failure) -> Result {
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure(reason: "no baseline script at \(script)")
        }
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, script] + arguments
        }
        let output = Pipe()
        process.standardOutput = output
        let errorFile = scratch.appendingPathComponent("baseline-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        guard let errorHandle = try? FileHandle(forWritingTo: errorFile) else {
            throw Failure(reason: "cannot write \(errorFile.path)")
        }
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            throw Failure(reason: "cannot start \(python): \(error.localizedDescription)")
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            let lastLine = stderr.split(whereSeparator: \.isNewline).last.map(String.init)
            throw Failure(
                reason: "\(python) exited with status \(process.terminationStatus)" + (lastLine.map { ": \($0)" } ?? ""))
        }
        let lines = String(decoding: stdout, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let line = lines.last, let result = try? JSONDecoder().decode(type, from: Data(line.utf8)) else {
            throw Failure(reason: "the baseline printed no result line")
        }
        return result
    }
}
