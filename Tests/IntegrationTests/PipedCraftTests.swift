import Foundation
import TestSupport
import Testing

/// The REPL-craft commands when stdin is a pipe: blocks and /retry work, /edit refuses clearly,
/// and stdout still carries only the replies.
@Suite struct PipedCraftTests {
    static let closing = "Anything else you'd like to know?"
    let home = TemporaryDirectory("threadline-piped-craft")

    func run(_ lines: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(lines: lines, environment: ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"])
    }

    @Test func aTripleQuoteBlockIsOneMessageAndRetryAddsOneReply() throws {
        let output = try run(["\"\"\"", "What's the temperature", "in Seoul?", "\"\"\"", "/retry", "/history"])
        #expect(output.status == 0)
        let replies = output.stdout.components(separatedBy: Self.closing + "\n")
        #expect(replies.count == 3, "the block and the retry: two replies, each ending with a newline: \(output.stdout)")
        #expect(replies.last == "")
        #expect(output.stderr.contains("you> What's the temperature\nin Seoul?"))
        #expect(output.stderr.components(separatedBy: "[superseded]").count == 2)
        // One status line per reply, on stderr.
        #expect(output.stderr.split(separator: "\n").filter { $0.hasSuffix(" out tokens") }.count == 2)
    }

    @Test func editNeedsATerminalAndAnUnclosedBlockIsSentAtEndOfInput() throws {
        let output = try run(["/edit", "\"\"\"", "What's the temperature in Busan?"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("error: /edit needs a terminal"))
        #expect(output.stdout.contains("in Busan."))
    }

    @Test func saveRefusesToOverwriteWithoutForce() throws {
        let path = home.file("saved.json")
        let first = try run(["What's the temperature in Seoul?", "/save \(path)", "/save \(path)"])
        #expect(first.stderr.contains("saved 3 entries to \(path)"))
        #expect(first.stderr.contains("error: \(path) exists; /save \(path) --force replaces it"))
        let second = try run(["/save \(path) --force"])
        #expect(second.stderr.contains("this thread is empty; nothing saved"))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["thread_id"] != nil)
    }
}
