import Foundation

/// One load phase driven by wrk (Debian's `wrk`): a fixed number of connections for a fixed time.
struct Wrk {
    /// What wrk reports for a phase.
    struct Result {
        var requests: Int
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        /// Socket errors plus non-2xx/3xx responses.
        var errors: Int
    }

    var executable = "/usr/bin/wrk"
    var seconds: Int

    /// Runs wrk against `url`; a POST with `body` when given (JSON), with the Assistants beta header.
    func run(url: String, connections: Int, body: String? = nil, scratch: URL) throws(BenchFailure) -> Result {
        var arguments = [
            executable, "--latency", "-t", String(min(connections, 2)), "-c", String(connections), "-d", "\(seconds)s",
            "--timeout", "10s", "-H", "OpenAI-Beta: assistants=v2",
        ]
        if let body {
            let script = scratch.appendingPathComponent("post-\(UUID().uuidString).lua")
            let escaped = body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            let lua = "wrk.method = 'POST'\nwrk.body = '\(escaped)'\nwrk.headers['Content-Type'] = 'application/json'\n"
            guard FileManager.default.createFile(atPath: script.path, contents: Data(lua.utf8)) else {
                throw BenchFailure("cannot write \(script.path)")
            }
            arguments += ["-s", script.path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst()) + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw BenchFailure("cannot start \(executable) (apt-get install wrk): \(error.localizedDescription)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let result = Self.parse(text) else {
            throw BenchFailure("wrk failed on \(url): \(text.split(whereSeparator: \.isNewline).last ?? "")")
        }
        return result
    }

    /// Reads wrk's `--latency` report.
    static func parse(_ text: String) -> Result? {
        var result = Result(requests: 0, requestsPerSecond: 0, p50: 0, p99: 0, errors: 0)
        var sawRate = false
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            guard let first = words.first else { continue }
            switch first {
            case "50%": result.p50 = words.count > 1 ? seconds(words[1]) ?? 0 : 0
            case "99%": result.p99 = words.count > 1 ? seconds(words[1]) ?? 0 : 0
            case "Requests/sec:":
                result.requestsPerSecond = words.count > 1 ? Double(words[1]) ?? 0 : 0
                sawRate = true
            case "Socket":
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                result.errors += words.compactMap { Int($0.trimmingCharacters(in: [","])) }.reduce(0, +)
            case "Non-2xx":
                result.errors += words.last.flatMap { Int($0) } ?? 0
            default:
                if words.count > 2, words[1] == "requests", words[2] == "in" { result.requests = Int(first) ?? 0 }
            }
        }
        return sawRate ? result : nil
    }

    /// `860.00us`, `1.02ms`, `2.00s`, `1.00m` in seconds.
    static func seconds(_ text: Substring) -> Double? {
        for (unit, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }
}
