import ArgumentParser
import Foundation

/// `threadline-bench sse-decode`: how fast Threadline decodes an Assistants v2 event stream,
/// against the official openai-python SDK on the very same bytes in the same run.
struct SSEDecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse-decode",
        abstract: "Assistants v2 stream decoding, Threadline against the openai-python SDK.",
        discussion: """
            Builds a stream of thread.message.delta events and writes it to a temporary file. The \
            openai-python baseline (Benchmarks/openai_python_sse_baseline.py) times the SDK's SSE \
            decoder plus the JSON of each event over that file; Threadline times SSEParser fed in \
            --chunk-sized chunks, every event through StreamEvent.decode, the text of each delta \
            counted. Event and character counts are checked against the baseline's and against an \
            independent count; any difference fails the command (MISMATCH, exit 1). Run from the \
            repository root on a release build for meaningful figures (make bench).
            """)

    @Option(help: "Stream size in megabytes (10^6 bytes).")
    var mb: Double = 10

    @Option(help: "Bytes per chunk fed to the parsers.")
    var chunk: Int = 1024

    @Option(name: .customLong("repeat"), help: "Timed runs per client; the best one counts.")
    var repeatCount: Int = 3

    @Option(help: ArgumentHelp("Python interpreter with the openai package (default: .venv's, else python3).", valueName: "path"))
    var python: String = PythonBaseline.defaultPython

    @Option(help: ArgumentHelp("The openai-python baseline script.", valueName: "path"))
    var baseline: String = "Benchmarks/openai_python_sse_baseline.py"

    @Flag(help: "Do not run the openai-python baseline.")
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
        do {
            try measure()
        } catch let failure as BenchFailure {
            throw BenchReport.fail(failure)
        }
    }

    /// What the baseline script prints.
    struct BaselineResult: Decodable {
        var bytes: Int
        var events: Int
        var textChars: Int
        var bestSeconds: Double
        var openAIVersion: String?
        var pythonVersion: String?

        enum CodingKeys: String, CodingKey {
            case bytes, events
            case textChars = "text_chars"
            case bestSeconds = "best_s"
            case openAIVersion = "openai_version"
            case pythonVersion = "python_version"
        }
    }

    private func measure() throws {
        let stream = SSEDecodeWorkload.makeStream(targetBytes: Int(mb * 1e6))
        let expected: SSEDecodeWorkload.Tally
        do {
            expected = try SSEDecodeWorkload.referenceTally(stream)
        } catch {
            throw BenchFailure("the independent count could not read the stream: \(error)")
        }
        let baselineResult = try runBaseline(on: stream)
        if let baselineResult { try Self.check(baselineResult, stream: stream, expected: expected) }

        var best: Duration?
        for _ in 0..<repeatCount {
            var tally = SSEDecodeWorkload.Tally()
            let elapsed: Duration
            do {
                elapsed = try ContinuousClock().measure { tally = try SSEDecodeWorkload.decode(stream, chunkSize: chunk) }
            } catch {
                throw BenchFailure("MISMATCH — Threadline could not decode the stream: \(error)")
            }
            try Self.check(tally, equals: expected)
            best = best.map { min($0, elapsed) } ?? elapsed
        }

        let threadline = ClientFigures(
            client: "threadline", bytes: stream.count, events: expected.events, textChars: expected.characters,
            bestSeconds: (best ?? .zero).inSeconds)
        let openAI = baselineResult.map {
            ClientFigures(client: "openai-python", bytes: $0.bytes, events: $0.events, textChars: $0.textChars, bestSeconds: $0.bestSeconds)
        }
        if json {
            if let openAI { print(openAI.jsonLine(chunk: chunk, repeatCount: repeatCount, baseline: nil)) }
            print(threadline.jsonLine(chunk: chunk, repeatCount: repeatCount, baseline: openAI))
        } else {
            printTable(threadline: threadline, openAI: openAI, versions: baselineResult)
        }
    }

    /// The baseline's result on `stream`, or nil when it is not wanted or cannot run (said on
    /// stderr, unless --require-baseline makes that a failure).
    private func runBaseline(on stream: [UInt8]) throws -> BaselineResult? {
        guard !noBaseline else { return nil }
        let scratch = try BenchReport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let streamFile = scratch.appendingPathComponent("stream.sse")
        do {
            try Data(stream).write(to: streamFile)
        } catch {
            throw BenchFailure("cannot write \(streamFile.path): \(error.localizedDescription)")
        }
        let arguments = ["--stream", streamFile.path, "--chunk", String(chunk), "--repeat", String(repeatCount)]
        do throws(PythonBaseline.Failure) {
            let result = try PythonBaseline(python: python, script: baseline)
                .run(arguments, scratch: scratch, as: BaselineResult.self)
            guard result.bestSeconds > 0 else { throw PythonBaseline.Failure(reason: "the baseline reported no time") }
            return result
        } catch {
            if requireBaseline { throw BenchFailure("openai-python baseline could not run: \(error.reason)") }
            BenchReport.printError("openai-python baseline not run (\(error.reason)); Threadline figures only")
            return nil
        }
    }

    // MARK: Verification

    static func check(_ tally: SSEDecodeWorkload.Tally, equals expected: SSEDecodeWorkload.Tally) throws {
        guard tally != expected else { return }
        throw BenchFailure(
            """
            MISMATCH — Threadline's SSEParser + StreamEvent.decode disagrees with the independent count:
              events \(tally.events) vs \(expected.events), text characters \(tally.characters) vs \
            \(expected.characters), text hash \(tally.textHash == expected.textHash ? "equal" : "different")
            """)
    }

    static func check(_ result: BaselineResult, stream: [UInt8], expected: SSEDecodeWorkload.Tally) throws {
        guard result.bytes != stream.count || result.events != expected.events || result.textChars != expected.characters
        else { return }
        throw BenchFailure(
            """
            MISMATCH — openai-python and Threadline did not see the same stream:
              bytes \(result.bytes) vs \(stream.count), events \(result.events) vs \(expected.events), \
            text characters \(result.textChars) vs \(expected.characters)
            """)
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
                #""best_s": \#(BenchReport.format(bestSeconds, digits: 6))"#,
                #""mb_per_s": \#(BenchReport.format(megabytesPerSecond, digits: 2))"#,
                #""events_per_s": \#(Int(eventsPerSecond.rounded()))"#,
            ]
            if client == "threadline" {
                fields.append(#""build": "\#(BenchReport.buildConfiguration)""#)
            }
            if let baseline {
                let megabytesRatio = BenchReport.format(megabytesPerSecond / baseline.megabytesPerSecond, digits: 2)
                let eventsRatio = BenchReport.format(eventsPerSecond / baseline.eventsPerSecond, digits: 2)
                fields.append(#""mb_per_s_ratio": \#(megabytesRatio)"#)
                fields.append(#""events_per_s_ratio": \#(eventsRatio)"#)
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    private func printTable(threadline: ClientFigures, openAI: ClientFigures?, versions: BaselineResult?) {
        let mb = BenchReport.format(Double(threadline.bytes) / 1e6, digits: 2)
        print(
            "Assistants v2 SSE decode · \(mb) MB · \(BenchReport.grouped(threadline.events)) events · "
                + "chunk \(chunk) B · best of \(repeatCount)")
        if BenchReport.buildConfiguration == "debug" {
            print("(debug build: these figures mean nothing; make bench builds in release mode)")
        }
        func row(_ label: String, _ first: String, _ second: String) {
            print(BenchReport.rightPad(label, 28) + BenchReport.leftPad(first, 10) + BenchReport.leftPad(second, 14))
        }
        row("client", "MB/s", "events/s")
        for figures in [openAI, threadline].compactMap({ $0 }) {
            row(
                figures.client, BenchReport.format(figures.megabytesPerSecond, digits: 1),
                BenchReport.grouped(Int(figures.eventsPerSecond.rounded())))
        }
        let events = BenchReport.grouped(threadline.events)
        let characters = BenchReport.grouped(threadline.textChars)
        if let openAI {
            row(
                "threadline / openai-python",
                BenchReport.format(threadline.megabytesPerSecond / openAI.megabytesPerSecond, digits: 1) + "×",
                BenchReport.format(threadline.eventsPerSecond / openAI.eventsPerSecond, digits: 1) + "×")
            print("verified: both clients saw \(events) events and \(characters) text characters, as an independent count did")
            if let openAIVersion = versions?.openAIVersion, let pythonVersion = versions?.pythonVersion {
                print("baseline: openai \(openAIVersion) on Python \(pythonVersion)")
            }
        } else {
            print(BenchReport.rightPad("openai-python", 28) + BenchReport.leftPad("(not run)", 10))
            print("verified: \(events) events and \(characters) text characters, as an independent count found")
        }
    }
}
