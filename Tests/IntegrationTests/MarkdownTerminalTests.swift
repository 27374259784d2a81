import Foundation
import TestSupport
import Testing

/// A Markdown reply streamed from `--backend chat` (the in-process fake Chat Completions
/// server) into the REPL in a real terminal (tmux), at 60 and 120 columns: rendered, each row
/// once in the scrollback, and a code block copied whole with OSC 52. Piped, the same reply is
/// written byte for byte.
@Suite(.serialized) struct MarkdownTerminalTests {
    static let code = "func greet(_ name: String) -> String {\n\treturn \"안녕, \\(name)!\" // a tab-indented line\n}"
    static let reply = """
        ## Weather in **Busan**

        - Day 1: showers, take an umbrella
          - morning: light rain
        - Day 2: sunny

        | 도시 | 기온 | 비 |
        |---|--:|--:|
        | 부산 | 14°C | 25% |
        | 서울 | 9°C | 80% |

        ```swift
        \(code)
        ```
        Ask again with `/retry`.
        """
    let home = TemporaryDirectory("threadline-markdown")

    /// The REPL in colour on `--backend chat` against `server`.
    func command(_ server: FakeHTTPServer) -> String {
        "env -u LANG -u LC_ALL -u LC_CTYPE -u NO_COLOR -u TMUX THREADLINE_HOME='\(home.path)' OPENAI_API_KEY= "
            + "'\(ProcessRunner.threadlineBinary)' --backend chat --base-url \(server.baseURL)/v1 --model llama3.2"
    }

    /// The reply as a chat completions stream, in pieces of a few characters.
    static func stream() -> FakeReply {
        var pieces: [String] = []
        var rest = Substring(reply)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(5)))
            rest = rest.dropFirst(5)
        }
        return .sse(ChatCompletionsStreamFixture.text(pieces))
    }

    @Test(arguments: [60, 120])
    func aStreamedReplyReadsAsARenderedPageAndCopiesCleanly(width: Int) async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue("POST", "/v1/chat/completions", Self.stream())
        // 14 rows: the reply is taller than the screen, so it scrolls while it streams.
        let session = try TmuxSession(command: command(server), width: width, height: 14)
        try await session.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix(">") } }
        try session.setOption("set-clipboard", "on")
        try await session.enter("weather?")
        try await session.waitFor { $0.contains("tokens") }
        let rows = try session.history().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func once(_ row: String) { #expect(rows.filter { $0 == row }.count == 1, "\(row) once in\n\(rows.joined(separator: "\n"))") }
        once("Weather in Busan")
        once("• Day 1: showers, take an umbrella")
        once("  ◦ morning: light rain")
        once("┌──────┬──────┬─────┐")
        once("│ 도시 │ 기온 │  비 │")
        once("│ 부산 │ 14°C │ 25% │")
        once("─── [1] swift")
        once("func greet(_ name: String) -> String {")
        once("}")
        once("Ask again with /retry.")
        #expect(!rows.contains { $0.contains("**") || $0.contains("```") || $0.contains("|---") }, "\(rows)")
        let styled = try session.styledScreen()
        #expect(styled.contains("48;5;236"), "the code block has its background")
        try await session.enter("/copy 1")
        try await session.waitFor { $0.contains("copied code block 1") }
        #expect(session.pasteBuffer() == Self.code)
        // Raw again: /history shows the reply as the model wrote it.
        try await session.enter("/render raw")
        try await session.enter("/history")
        let raw = try await session.waitFor { $0.contains("```swift") }
        #expect(raw.contains("| 부산 | 14°C | 25% |"))
        try session.press("C-d")
    }

    @Test func aResizeReflowsOnlyTheLineBeingWritten() async throws {
        let server = try await FakeHTTPServer.start()
        let long = "the second line is long enough to fill more than one row of the window while it streams"
        server.enqueue(
            "POST", "/v1/chat/completions",
            .sse(ChatCompletionsStreamFixture.truncated(["The **first** line stays.\n", long])).stalling())
        let session = try TmuxSession(command: command(server), width: 60, height: 14)
        try await session.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix(">") } }
        try await session.enter("go")
        try await session.waitFor { $0.contains("while it") }
        try session.resize(width: 40, height: 14)
        try await Task.sleep(for: .milliseconds(300))
        try session.press("C-c")
        let screen = try await session.waitFor { $0.contains("[cancelled: partial reply]") }
        server.releaseStalled()
        let rows = try session.history().split(separator: "\n").map(String.init)
        #expect(rows.filter { $0 == "The first line stays." }.count == 1, "\(rows)")
        #expect(rows.filter { $0.contains("the second line") }.count == 1, "\(rows)")
        #expect(rows.contains("the second line is long enough to fill"), "re-flowed at 40 columns: \(screen)")
        // The mark on a row of its own, right after the partial text.
        let mark = try #require(rows.firstIndex(of: "[cancelled: partial reply]"), "\(rows)")
        #expect(mark > 0 && rows[mark - 1].hasPrefix("streams"), "\(rows)")
    }

    @Test func pipedRepliesAreTheModelsBytesExactly() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue("POST", "/v1/chat/completions", Self.stream())
        let output = try await ProcessRunner.run(
            ["--backend", "chat", "--base-url", server.baseURL + "/v1", "--model", "llama3.2"], lines: ["weather?"],
            environment: ["THREADLINE_HOME": home.path, "OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "THREADLINE_BACKEND": ""])
        #expect(output.status == 0)
        #expect(output.stdout == Self.reply + "\n")
    }
}
