import Foundation
import TestSupport
import Testing
import ThreadlineCore

/// Escape sequences from a model, a server or stored messages never reach the terminal raw
/// (docs/reliability.md, "Hostile servers and text"): they are shown as visible symbols in
/// replies (rendered and raw), tool-call lines, `/history`, `/threads`, `threads list` and
/// `threads show`. Piped stdout stays the model's bytes exactly: it is data, not a terminal.
@Suite(.serialized) struct TerminalInjectionTests {
    static let title = "\u{1B}]0;PWNED\u{07}"
    static let clear = "\u{1B}[2J\u{1B}[H"
    static let reply = "Before. \(title)\(clear)After."
    static let shown = "Before. ␛]0;PWNED␇␛[2J␛[HAfter."
    /// A call whose name (JSON-escaped, as the wire carries it) and arguments hold escapes.
    static let call = ToolCallRequest(
        id: "call_evil", name: #"evil\u001b]0;PWNED\u0007"#, arguments: #"{"location":"\u001b[2J부산"}"#)
    let home = TemporaryDirectory("threadline-injection")

    var environment: [String: String] {
        [
            "THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0", "OPENAI_API_KEY": "", "OPENAI_BASE_URL": "",
            "THREADLINE_BACKEND": "",
        ]
    }

    static func hostile(_ server: FakeHTTPServer) {
        server.enqueue(
            "POST", "/v1/chat/completions", .sse(ChatCompletionsStreamFixture.calls([call])),
            .sse(ChatCompletionsStreamFixture.text([reply])))
    }

    @Test func pipedStdoutIsExactAndStderrIsSanitised() async throws {
        let server = try await FakeHTTPServer.start()
        Self.hostile(server)
        let output = try await ProcessRunner.run(
            ["--backend", "chat", "--base-url", server.baseURL + "/v1", "--model", "m"], lines: ["go"], environment: environment)
        #expect(output.status == 0)
        #expect(output.stdout == Self.reply + "\n")
        #expect(!output.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(output.stderr)")
        #expect(output.stderr.contains("→ evil␛]0;PWNED␇(location: ␛[2J부산)"), "\(output.stderr)")
    }

    @Test func storedMessagesAreSanitisedInThreadsListAndShow() async throws {
        let first = try await ProcessRunner.run(lines: ["hi \(Self.title)\(Self.clear)"], environment: environment)
        #expect(first.status == 0)
        let list = try await ProcessRunner.run(["threads", "list"], lines: [], environment: environment)
        #expect(list.stdout.contains("hi ␛]0;PWNED␇␛[2J␛[H"), "\(list.stdout)")
        let id = try #require(list.stdout.split(separator: " ").dropFirst().first.map(String.init))
        let show = try await ProcessRunner.run(["threads", "show", id], lines: [], environment: environment)
        #expect(show.stdout.contains("you> hi ␛]0;PWNED␇␛[2J␛[H"), "\(show.stdout)")
        for output in [list, show] {
            #expect(!(output.stdout + output.stderr).unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        }
    }

    /// In a real terminal, raw and rendered: the title stays, the screen is not cleared.
    @Test(arguments: [["--raw"], []])
    func theTerminalIsUntouched(flags: [String]) async throws {
        let seeded = try await ProcessRunner.run(lines: ["hi \(Self.title)"], environment: environment)
        #expect(seeded.status == 0)
        let server = try await FakeHTTPServer.start()
        Self.hostile(server)
        let command =
            "env -u LANG -u LC_ALL -u LC_CTYPE -u NO_COLOR -u TMUX THREADLINE_HOME='\(home.path)' OPENAI_API_KEY= "
            + "'\(ProcessRunner.threadlineBinary)' --backend chat --base-url \(server.baseURL)/v1 --model m "
            + flags.joined(separator: " ")
        let session = try TmuxSession(command: command, width: 100, height: 30)
        try await session.waitFor { $0.contains("Threadline · backend") }
        let before = try session.title()
        try session.type("go")
        try session.press("Enter")
        let screen = try await session.waitFor { $0.contains("After.") && $0.contains("tool call") }
        #expect(screen.contains("Threadline · backend"), "the screen was cleared: \(screen)")
        #expect(screen.contains("␛]0;PWNED␇"), "\(screen)")
        #expect(screen.contains("→ evil␛]0;PWNED␇"), "\(screen)")
        try session.type("/threads")
        try session.press("Enter")
        try await session.waitFor { $0.contains("hi ␛]0;PWNED␇") }
        try session.type("/history")
        try session.press("Enter")
        let history = try await session.waitFor { $0.components(separatedBy: "After.").count > 2 }
        #expect(history.contains("Threadline · backend"), "\(history)")
        #expect(try session.title() == before)
        #expect(!(try session.title()).contains("PWNED"))
        try session.press("C-d")
    }
}
