import ArgumentParser
import AssistantsWire
import Foundation
import ThreadlineCore

/// `threadline bench`: how fast Threadline decodes an Assistants v2 event stream, measured against
/// the official openai-python SDK on the very same bytes in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Assistants v2 stream decoding against the openai-python SDK.",
        discussion: """
            Runs the openai-python baseline script, which writes a stream of thread.message.delta \
            events to a temporary file and times the SDK's SSE decoder plus json.loads of each event. \
            Threadline then decodes the same bytes: SSEParser fed in --chunk-sized chunks, every event \
            through StreamEvent.decode, the text of each MessageDelta counted. Event and character \
            counts are checked against the baseline's and against an independent count; any \
            difference fails the command. Run from the repository root, on a release build \
            (swift build -c release --product threadline), for meaningful figures. See docs/performance.md.
            """)

    static let defaultBaseline = "../shared/bench/openai_python_sse_baseline.py"
    static let venvPython = ".venv/bin/python3"

    @Option(help: "Stream size in megabytes (10^6 bytes).")
    var mb: Double = 10

    @Option(help: "Bytes per chunk fed to the parsers.")
    var chunk: Int = 1024

    @Option(name: .customLong("repeat"), help: "Timed runs per client; the best one counts.")
    var repeatCount: Int = 3

    @Option(help: ArgumentHelp("Python interpreter with the openai package.", valueName: "path"))
    var python: String =
        FileManager.default.isExecutableFile(atPath: BenchCommand.venvPython) ? BenchCommand.venvPython : "python3"

    @Option(help: ArgumentHelp("The openai-python baseline script.", valueName: "path"))
    var baseline: String = BenchCommand.defaultBaseline

    @Flag(help: "Do not run the openai-python baseline; Threadline generates the same stream itself.")
    var noBaseline = false

    @Flag(help: "Fail when the openai-python baseline cannot run.")
    var requireBaseline = false

    @Flag(help: "Print one JSON line per client instead of the table.")
    var json = false

    func validate() throws {
        guard mb > 0, mb.isFinite, mb <= 10_000 else { throw ValidationError("--mb must be positive") }
        guard chunk > 0 else { throw ValidationError("--chunk must be at least 1") }
        guard repeatCount > 0 else { throw ValidationError("--repeat must be at least 1") }
        if noBaseline && requireBaseline {
            throw ValidationError("--no-baseline and --require-baseline exclude each other")
        }
    }

    func run() throws {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("threadline-bench-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let streamFile = temporary.appendingPathComponent("stream.sse")

        var baselineResult: BaselineResult?
        if !noBaseline {
            do {
                baselineResult = try runBaseline(writingTo: streamFile, scratch: temporary)
            } catch let failure as BaselineFailure {
                if requireBaseline {
                    Self.printError("bench: openai-python baseline could not run: \(failure.reason)")
                    throw ExitCode.failure
                }
                Self.printError("bench: openai-python baseline not run (\(failure.reason)); Threadline figures only")
            }
        }

        let stream: [UInt8]
        if baselineResult != nil {
            guard let data = FileManager.default.contents(atPath: streamFile.path) else {
                Self.printError("bench: the baseline did not write \(streamFile.path)")
                throw ExitCode.failure
            }
            stream = [UInt8](data)
        } else {
            stream = Self.makeStream(targetBytes: Int(mb * 1e6))
        }

        let expected: Tally
        do {
            expected = try Self.referenceTally(stream)
        } catch {
            Self.printError("bench: the independent count could not read the stream: \(error)")
            throw ExitCode.failure
        }
        var best: Duration?
        for _ in 0..<repeatCount {
            var tally = Tally()
            let elapsed: Duration
            do {
                elapsed = try ContinuousClock().measure {
                    tally = try Self.decode(stream, chunkSize: chunk)
                }
            } catch {
                Self.printError("bench: MISMATCH — Threadline could not decode the stream: \(error)")
                throw ExitCode.failure
            }
            try Self.check(tally, equals: expected, what: "Threadline's SSEParser + StreamEvent.decode")
            best = best.map { min($0, elapsed) } ?? elapsed
        }
        if let baselineResult {
            try Self.check(baselineResult, stream: stream, expected: expected)
        }

        let threadline = ClientFigures(
            client: "threadline", bytes: stream.count, events: expected.events, textChars: expected.characters,
            bestSeconds: (best ?? .zero).inSeconds)
        let openAI = baselineResult.map {
            ClientFigures(
                client: "openai-python", bytes: $0.bytes, events: $0.events, textChars: $0.textChars,
                bestSeconds: $0.bestSeconds)
        }
        if json {
            if let openAI { print(openAI.jsonLine(chunk: chunk, repeatCount: repeatCount, baseline: nil)) }
            print(threadline.jsonLine(chunk: chunk, repeatCount: repeatCount, baseline: openAI))
        } else {
            printTable(threadline: threadline, openAI: openAI)
        }
    }

    // MARK: The measured work

    /// What a decoding pass saw: events, code points of message-delta text, and an
    /// order-sensitive hash of that text so a parser that garbles bytes cannot pass on counts alone.
    struct Tally: Equatable {
        var events = 0
        var characters = 0
        var textHash: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func addText(_ text: String) {
            for scalar in text.unicodeScalars {
                characters += 1
                textHash = (textHash ^ UInt64(scalar.value)) &* 0x100_0000_01b3
            }
        }
    }

    /// The production path: SSEParser fed in chunks, every event through StreamEvent.decode.
    /// Characters are counted in Unicode code points, as Python's `len` counts them, part by part
    /// (the baseline reads part 0 directly; `MessageDelta.text` would join the parts first).
    static func decode(_ stream: [UInt8], chunkSize: Int) throws -> Tally {
        var parser = SSEParser()
        var tally = Tally()
        var start = 0
        while start < stream.count {
            let end = min(start + chunkSize, stream.count)
            for event in parser.feed(stream[start..<end]) {
                tally.events += 1
                let decoded = try StreamEvent.decode(name: event.event ?? "message", data: event.data)
                if case .messageDelta(let delta) = decoded {
                    for part in delta.delta.content ?? [] {
                        if let value = part.text?.value { tally.addText(value) }
                    }
                }
            }
            start = end
        }
        if parser.isInsideEvent { throw BenchMismatch("the parser still holds an unfinished event at end of stream") }
        return tally
    }

    /// The same counts by a deliberately different route: the whole buffer split into lines at once,
    /// the JSON read with JSONSerialization. Not timed.
    static func referenceTally(_ stream: [UInt8]) throws -> Tally {
        var tally = Tally()
        var name: String?
        var dataLines: [String] = []
        func finishEvent() throws {
            defer {
                name = nil
                dataLines = []
            }
            guard !dataLines.isEmpty else { return }
            tally.events += 1
            guard name == "thread.message.delta" else { return }
            let object = try JSONSerialization.jsonObject(with: Data(dataLines.joined(separator: "\n").utf8))
            guard
                let delta = (object as? [String: Any])?["delta"] as? [String: Any],
                let parts = delta["content"] as? [[String: Any]]
            else { throw BenchMismatch("reference count: a delta event without content") }
            for part in parts {
                if let value = (part["text"] as? [String: Any])?["value"] as? String { tally.addText(value) }
            }
        }
        for rawLine in stream.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = String(decoding: rawLine.last == 0x0D ? rawLine.dropLast() : rawLine, as: UTF8.self)
            if line.isEmpty {
                try finishEvent()
            } else if line.hasPrefix("event:") {
                name = String(line.dropFirst("event:".count).drop { $0 == " " })
            } else if line.hasPrefix("data:") {
                let value = line.dropFirst("data:".count)
                dataLines.append(String(value.first == " " ? value.dropFirst() : value))
            }
        }
        return tally
    }

    /// The stream the baseline script writes (its `make_stream`, byte for byte), for runs without Python.
    static func makeStream(targetBytes: Int) -> [UInt8] {
        var stream: [UInt8] = []
        stream.reserveCapacity(targetBytes + 256)
        var index = 0
        while stream.count < targetBytes {
            let data = #"{"id": "msg_abc123", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "#
                + #""type": "text", "text": {"value": "토큰\#(index) ", "annotations": []}}]}}"#
            stream.append(contentsOf: "event: thread.message.delta\ndata: \(data)\n\n".utf8)
            index += 1
        }
        stream.append(contentsOf: "event: done\ndata: [DONE]\n\n".utf8)
        return stream
    }

    // MARK: Verification

    struct BenchMismatch: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func check(_ tally: Tally, equals expected: Tally, what: String) throws {
        guard tally != expected else { return }
        printError(
            """
            bench: MISMATCH — \(what) disagrees with the independent count:
              events \(tally.events) vs \(expected.events), text characters \(tally.characters) vs \
            \(expected.characters), text hash \(tally.textHash == expected.textHash ? "equal" : "different")
            """)
        throw ExitCode.failure
    }

    static func check(_ result: BaselineResult, stream: [UInt8], expected: Tally) throws {
        guard
            result.bytes != stream.count || result.events != expected.events
                || result.textChars != expected.characters
        else { return }
        printError(
            """
            bench: MISMATCH — openai-python and Threadline did not see the same stream:
              bytes \(result.bytes) vs \(stream.count), events \(result.events) vs \(expected.events), \
            text characters \(result.textChars) vs \(expected.characters)
            """)
        throw ExitCode.failure
    }

    // MARK: The baseline

    struct BaselineResult: Decodable {
        var client: String
        var bytes: Int
        var events: Int
        var textChars: Int
        var bestSeconds: Double

        enum CodingKeys: String, CodingKey {
            case client, bytes, events
            case textChars = "text_chars"
            case bestSeconds = "best_s"
        }
    }

    struct BaselineFailure: Error {
        var reason: String
    }

    func runBaseline(writingTo streamFile: URL, scratch: URL) throws -> BaselineResult {
        guard FileManager.default.fileExists(atPath: baseline) else {
            throw BaselineFailure(reason: "no baseline script at \(baseline)")
        }
        let process = Process()
        var arguments = [
            baseline, "--mb", String(mb), "--chunk", String(chunk), "--repeat", String(repeatCount),
            "--write", streamFile.path,
        ]
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            arguments.insert(python, at: 0)
        }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let errorFile = scratch.appendingPathComponent("baseline.stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            throw BaselineFailure(reason: "cannot start \(python): \(error.localizedDescription)")
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            let lastLine = stderr.split(whereSeparator: \.isNewline).last.map(String.init)
            throw BaselineFailure(
                reason: "\(python) exited with status \(process.terminationStatus)"
                    + (lastLine.map { ": \($0)" } ?? ""))
        }
        let lines = String(decoding: stdout, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let line = lines.last,
            let result = try? JSONDecoder().decode(BaselineResult.self, from: Data(line.utf8)),
            result.bestSeconds > 0
        else {
            throw BaselineFailure(reason: "the baseline printed no result line")
        }
        return result
    }

    // MARK: Output

    struct ClientFigures {
        var client: String
        var bytes: Int
        var events: Int
        var textChars: Int
        var bestSeconds: Double

        var megabytesPerSecond: Double { Double(bytes) / 1e6 / bestSeconds }
        var eventsPerSecond: Double { Double(events) / bestSeconds }

        func jsonLine(chunk: Int, repeatCount: Int, baseline: ClientFigures?) -> String {
            var fields = [
                #""client": "\#(client)""#, #""bytes": \#(bytes)"#, #""events": \#(events)"#,
                #""text_chars": \#(textChars)"#, #""chunk": \#(chunk)"#, #""repeat": \#(repeatCount)"#,
                #""best_s": \#(format(bestSeconds, digits: 6))"#,
                #""mb_per_s": \#(format(megabytesPerSecond, digits: 2))"#,
                #""events_per_s": \#(Int(eventsPerSecond.rounded()))"#,
            ]
            if client == "threadline" {
                fields.append(#""build": "\#(BenchCommand.buildConfiguration)""#)
            }
            if let baseline {
                let megabytesRatio = format(megabytesPerSecond / baseline.megabytesPerSecond, digits: 2)
                let eventsRatio = format(eventsPerSecond / baseline.eventsPerSecond, digits: 2)
                fields.append(#""mb_per_s_ratio": \#(megabytesRatio)"#)
                fields.append(#""events_per_s_ratio": \#(eventsRatio)"#)
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    func printTable(threadline: ClientFigures, openAI: ClientFigures?) {
        print(
            "Assistants v2 SSE decode · \(format(Double(threadline.bytes) / 1e6, digits: 2)) MB · "
                + "\(grouped(threadline.events)) events · chunk \(chunk) B · best of \(repeatCount)")
        if Self.buildConfiguration == "debug" {
            print("(debug build: use swift build -c release --product threadline for real figures)")
        }
        let header = "client".padding(toLength: 28, withPad: " ", startingAt: 0)
        print(header + leftPad("MB/s", 10) + leftPad("events/s", 14))
        for figures in [openAI, threadline].compactMap({ $0 }) {
            print(
                figures.client.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + leftPad(format(figures.megabytesPerSecond, digits: 1), 10)
                    + leftPad(grouped(Int(figures.eventsPerSecond.rounded())), 14))
        }
        if let openAI {
            print(
                "threadline / openai-python".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + leftPad(format(threadline.megabytesPerSecond / openAI.megabytesPerSecond, digits: 1) + "×", 10)
                    + leftPad(format(threadline.eventsPerSecond / openAI.eventsPerSecond, digits: 1) + "×", 14))
            print(
                "verified: both clients saw \(grouped(threadline.events)) events and "
                    + "\(grouped(threadline.textChars)) text characters, as an independent count did")
        } else {
            print("openai-python".padding(toLength: 28, withPad: " ", startingAt: 0) + leftPad("(not run)", 10))
            print(
                "verified: \(grouped(threadline.events)) events and \(grouped(threadline.textChars)) text "
                    + "characters, as an independent count found")
        }
    }

    static var buildConfiguration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

private func format(_ value: Double, digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

private func leftPad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

private func grouped(_ value: Int) -> String {
    var digits = Array(String(value))
    var result = ""
    while digits.count > 3 {
        result = "," + String(digits.suffix(3)) + result
        digits.removeLast(3)
    }
    return String(digits) + result
}
