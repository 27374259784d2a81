import Foundation
import TestSupport
import Testing
import Tools

/// Multi-line input, /edit, /retry and /save in a real pseudo-terminal (tmux), checked through
/// what the thread stored (a /save to JSON) as well as through the screen.
@Suite(.serialized) struct REPLCraftTests {
    static let closing = "Anything else you'd like to know?"
    let home = TemporaryDirectory("threadline-craft")

    /// The REPL without colour (so replies are written as sent) unless `color`.
    func start(environment: [String: String] = [:], width: Int = 100, color: Bool = false) async throws -> TmuxSession {
        let settings = environment.merging(["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"]) { $1 }
        let assignments = settings.keys.sorted().map { "\($0)='\(settings[$0]!)'" }.joined(separator: " ")
        let session = try TmuxSession(
            command:
                "env -u LANG -u LC_ALL -u LC_CTYPE -u NO_COLOR \(color ? "" : "NO_COLOR=1 ")\(assignments) '\(ProcessRunner.threadlineBinary)'",
            width: width)
        let screen = try await session.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix(">") } }
        try #require(screen.contains("Threadline · backend demo"), "REPL did not start: \(screen)")
        return session
    }

    func occurrences(_ text: String, in screen: String) -> Int { screen.components(separatedBy: text).count - 1 }

    /// Saves the thread as JSON from the REPL and returns its user messages and entry roles.
    func savedThread(_ session: TmuxSession, name: String) async throws -> (users: [String], roles: [String]) {
        let path = home.file(name)
        try await session.enter("/save \(path)")
        try await session.waitFor { $0.contains("entries to \(path)") }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let entries = try #require(object?["entries"] as? [[String: Any]])
        let users = entries.filter { $0["role"] as? String == "user" }.compactMap { $0["text"] as? String }
        return (users, entries.compactMap { $0["role"] as? String })
    }

    @Test func aPastedThreeLineBlockIsOneMessageWithItsNewlines() async throws {
        let session = try await start()
        let pasted = "What's the temperature in Seoul?\nsecond line\nthird line"
        try session.paste(pasted)
        // Pasted, not sent: the lines wait in the editor for Enter.
        let waiting = try await session.waitFor { $0.contains("third line") }
        #expect(!waiting.contains(Self.closing))
        try session.press("Enter")
        let answered = try await session.waitFor { $0.contains(Self.closing) }
        #expect(occurrences(Self.closing, in: answered) == 1, "one message, one reply: \(answered)")
        #expect(answered.contains("It is currently"))
        let saved = try await savedThread(session, name: "paste.json")
        #expect(saved.users == [pasted])
    }

    @Test func tripleQuoteBlockAndCtrlJKeepLinesTogetherAndHistoryRecallsThemWhole() async throws {
        let session = try await start()
        try await session.enter("\"\"\"")
        try await session.waitFor { $0.split(separator: "\n").last { !$0.isEmpty }?.hasPrefix("...") ?? false }
        try await session.enter("What's the temperature in Busan?")
        try await session.enter("/help is text here")
        try await session.enter("\"\"\"")
        let first = try await session.waitFor { $0.contains(Self.closing) }
        #expect(!first.contains("unknown command"))
        // Each key waits for the one before it to show: keys arriving in one read are taken as a paste.
        try await session.waitForEmptyPrompt()
        try session.type("line one")
        try await session.waitFor { $0.contains("> line one") }
        try session.press("C-j")
        try await session.waitFor { $0.contains("> line one\n...") }
        // Alt-Enter (ESC CR) continues the input as Ctrl-J does.
        try session.press("M-Enter")
        try await session.waitFor { $0.contains("> line one\n...\n...") }
        try await session.enter("What's the temperature in Seoul?")
        try await session.waitFor { occurrences(Self.closing, in: $0) == 2 }
        // ↑ brings back the two-line entry whole; Enter sends it again as one message.
        try session.press("Up")
        try await session.waitFor { $0.contains("> line one\n\nWhat's the temperature in Seoul?") }
        try session.press("Enter")
        try await session.waitFor { occurrences(Self.closing, in: $0) == 3 }
        let saved = try await savedThread(session, name: "block.json")
        let joined = "line one\n\nWhat's the temperature in Seoul?"
        #expect(saved.users == ["What's the temperature in Busan?\n/help is text here", joined, joined])
        let history = try String(contentsOfFile: home.file("history"), encoding: .utf8)
        #expect(history.contains("line one\\n\\nWhat's the temperature in Seoul?\n"), "one history entry: \(history)")
    }

    /// `/help` at 50 and 100 columns: every word of every description whole on the screen (the
    /// terminal's own wrapping would split some), and `/instructions show` keeps the sticky override.
    @Test(arguments: [50, 100])
    func helpFitsTheWindowAndInstructionsShowKeepsTheOverride(width: Int) async throws {
        let session = try await start(width: width)
        try await session.enter("/help")
        try await session.waitFor { $0.contains("$VISUAL/$EDITOR.") }
        let words = Set(try session.history().split(whereSeparator: \.isWhitespace).map(String.init))
        let summaries = [
            "copy code block N of the last reply (default: the last block; reply: all of it) to the clipboard",
            "write the message in $VISUAL/$EDITOR (prefilled with TEXT or the last message)",
            "run the last message again (the previous reply stays, marked superseded)",
        ]
        for word in summaries.flatMap({ $0.split(separator: " ") }) {
            #expect(words.contains(String(word)), "\(word) whole at \(width) columns")
        }
        try await session.enter("/instructions 사용자를 고객님이라고 부르세요.")
        try await session.enter("/instructions show")
        try await session.enter("What's the temperature in Seoul?")
        let answered = try await session.waitFor { $0.contains(Self.closing) }
        #expect(answered.contains("고객님, "), "the sticky override still applies")
        // Both listings, the notice wrapped between words at 50 columns.
        #expect(occurrences("instructions (sticky):", in: answered) == 2, "\(answered)")
        let shown = Set(try session.history().split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(shown.isSuperset(of: ["사용자를", "고객님이라고", "부르세요."]), "no Hangul word split at \(width) columns")
    }

    /// The banner, `/history` and `/threads` at 50 and 100 columns: every word of the banner
    /// and of the Hangul question whole on the screen (the terminal's own wrapping would split
    /// some), each `/threads` row one row, and Tab after `/resume ` completing a thread's number.
    @Test(arguments: [50, 100])
    func bannerHistoryAndThreadsFitTheWindow(width: Int) async throws {
        let question = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요? 그리고 내일 서울의 날씨는 어때요?"
        let session = try await start(width: width)
        try await session.enter(question)
        try await session.waitFor { $0.contains(Self.closing) || $0.contains("알려주세요!") }
        try await session.enter("/history")
        try await session.waitFor { $0.contains("you> ") }
        try await session.enter("/threads")
        try await session.waitFor { $0.contains("/resume N") }
        let screen = try session.history()
        let rows = screen.split(separator: "\n").map(String.init)
        let words = Set(screen.split(whereSeparator: \.isWhitespace).map(String.init))
        let banner =
            "Threadline · backend demo · model demo (runs name gpt-4o) · 3 tools · offline demo model (deterministic, weather questions only)"
        for word in (banner + " " + question).split(separator: " ") {
            #expect(words.contains(String(word)), "\(word) whole at \(width) columns")
        }
        let listed = rows.filter { $0.hasPrefix("1* thread_") }
        #expect(listed.count == 1, "one row per thread: \(rows)")
        let id = try #require(listed.first?.split(separator: " ").dropFirst().first.map(String.init))
        // Tab completes the argument of /resume from the listed numbers and ids.
        try await session.waitForEmptyPrompt()
        try session.type("/resume thread_")
        try session.press("Tab")
        try await session.waitFor { $0.contains("> /resume \(id)") }
        try session.press("Enter")
        try await session.waitFor { $0.contains("resumed thread \(id)") }
    }

    /// Input exactly as wide as the window is followed by the output, not by an empty row; Tab
    /// on `/` lists the commands in columns that fill the rows.
    @Test func inputAsWideAsTheWindowAndTheCommandListFit() async throws {
        let session = try await start(width: 50)
        let name = String(repeating: "m", count: 41)
        try await session.enter("/model " + name)
        let screen = try await session.waitFor { $0.contains("model for following runs:") }
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let input = try #require(rows.firstIndex(of: "> /model " + name), "\(rows)")
        #expect(rows[input + 1].hasPrefix("model for following runs:"), "no empty row after the input: \(rows)")
        try await session.waitForEmptyPrompt()
        try session.type("/")
        try session.press("Tab")
        let listed = try await session.waitFor { $0.contains("/threads") }
        let commandRows = listed.split(separator: "\n").filter { $0.hasPrefix("/") }
        let names = commandRows.flatMap { $0.split(separator: " ") }
        #expect(names.count == 17, "every command listed once: \(listed)")
        // Filled row by row: only the last row may hold fewer commands than the first.
        #expect(commandRows.dropLast().allSatisfy { $0.split(separator: " ").count == commandRows.first?.split(separator: " ").count })
        #expect(commandRows.count < names.count, "several commands per row at 50 columns: \(listed)")
    }

    @Test func hangulRepliesWrapBetweenWordsAtTheTerminalWidth() async throws {
        // At 30 columns each sentence of the rendered reply fills one row when wrapped by display
        // width; the terminal's own wrapping would cut "오늘" off the first row instead.
        let temperature = DemoWeather.temperature(location: "부산/경상남도")
        let rain = Int((DemoWeather.rainProbability(location: "부산/경상남도") * 100).rounded())
        let session = try await start(width: 30, color: true)
        try await session.enter("오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?")
        let screen = try await session.waitFor { $0.contains("알려주세요!") }
        let rows = screen.split(separator: "\n").map(String.init)
        #expect(rows.contains("부산의 현재 기온은 \(temperature)°C입니다."), "\(rows)")
        #expect(rows.contains("오늘 비가 올 확률은 \(rain)%입니다."), "\(rows)")
    }

    @Test func editSendsWhatTheEditorSavedAndAnEmptyFileCancels() async throws {
        let script = home.file("editor.sh")
        let source = home.file("editor-source.txt")
        let seen = home.file("editor-seen.txt")
        try "#!/bin/sh\ncp \"$1\" '\(seen)'\ncat '\(source)' > \"$1\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
        try "What's the temperature in Seoul?\n".write(toFile: source, atomically: true, encoding: .utf8)
        let session = try await start(environment: ["EDITOR": script, "VISUAL": ""])
        try await session.enter("/edit")
        let answered = try await session.waitFor { $0.contains(Self.closing) }
        #expect(answered.contains("> What's the temperature in Seoul?"), "what is sent is shown")
        #expect(answered.contains("It is currently"))
        // The next /edit starts from the last message; an emptied file sends nothing.
        try "\n\n".write(toFile: source, atomically: true, encoding: .utf8)
        try await session.enter("/edit")
        let cancelled = try await session.waitFor { $0.contains("empty or unsaved file: nothing sent") }
        #expect(occurrences(Self.closing, in: cancelled) == 1)
        #expect(try String(contentsOfFile: seen, encoding: .utf8) == "What's the temperature in Seoul?")
        #expect(try await savedThread(session, name: "edit.json").users == ["What's the temperature in Seoul?"])
    }

    @Test func retryRunsTheLastMessageAgainAndMarksTheOldReplySuperseded() async throws {
        let session = try await start()
        try await session.enter("/retry")
        try await session.waitFor { $0.contains("nothing to retry") }
        try await session.enter("What's the temperature in Seoul?")
        try await session.waitFor { $0.contains(Self.closing) }
        try await session.enter("/retry")
        let retried = try await session.waitFor { occurrences(Self.closing, in: $0) == 2 }
        #expect(retried.contains("retrying: What's the temperature in Seoul?"))
        try await session.enter("/history")
        let history = try await session.waitFor { $0.contains("[superseded]") }
        #expect(occurrences("[superseded]", in: history) == 1)
        let saved = try await savedThread(session, name: "retry.json")
        #expect(saved.users == ["What's the temperature in Seoul?"], "a retry appends no message")
        #expect(saved.roles.filter { $0 == "assistant" }.count == 2)
        // Markdown holds every turn, the superseded reply included.
        let markdownPath = home.file("retry.md")
        try await session.enter("/save \(markdownPath)")
        try await session.waitFor { $0.contains("entries to \(markdownPath)") }
        let markdown = try String(contentsOfFile: markdownPath, encoding: .utf8)
        #expect(occurrences("## Assistant", in: markdown) == 2)
        #expect(markdown.contains("## You\n\nWhat's the temperature in Seoul?"))
        #expect(markdown.contains("superseded by a retry"))
        #expect(markdown.contains("**Tool call** `get_current_temperature`"))
        try await session.enter("/save \(markdownPath)")
        try await session.waitFor { $0.contains("--force replaces it") }
    }
}
