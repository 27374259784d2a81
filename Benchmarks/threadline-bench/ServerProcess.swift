import Foundation

/// A server started for a benchmark: it prints `http://HOST:PORT/…` on stderr (as
/// `threadline serve` and `hello-server` do); stopped with SIGTERM.
struct ServerProcess {
    let process: Process
    let port: Int

    init(_ arguments: [String], environment: [String: String]) throws(BenchFailure) {
        let errors = Pipe()
        process = try MeasuredProcess.start(arguments, environment: environment, standardError: errors)
        // Log lines may come first; the address is on the first line that has one.
        var output = Data()
        while !String(decoding: output, as: UTF8.self).contains("http://") || !output.contains(UInt8(ascii: "\n")) {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        let text = String(decoding: output, as: UTF8.self)
        guard let range = text.range(of: #"http://[^ ]*:[0-9]+/"#, options: .regularExpression),
            let port = text[range].split(separator: ":").last.flatMap({ Int($0.dropLast()) })
        else {
            process.terminate()
            throw BenchFailure("\(arguments[0]) did not say where it listens: \(text)")
        }
        self.port = port
        // Keep draining stderr so the server never blocks on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// Current and peak RSS in KiB.
    var memory: (current: Int, peak: Int)? { MeasuredProcess.memory(of: process.processIdentifier) }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// `threadline serve` on a free port, taking bodies big enough to seed a large thread at once.
    static func serve(_ threadline: String, environment: [String: String]) throws(BenchFailure) -> ServerProcess {
        try ServerProcess([threadline, "serve", "--port", "0", "--max-body-bytes", String(64 << 20)], environment: environment)
    }
}
