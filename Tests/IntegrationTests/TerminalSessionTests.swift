import Foundation
import TestSupport
import Testing
import Tools

/// The REPL in a real pseudo-terminal (tmux), with LANG and LC_ALL unset so the UTF-8 locale
/// fallback is what makes Hangul input work.
@Suite(.serialized) struct TerminalSessionTests {
    let home = TemporaryDirectory("threadline-pty")

    func threadlineCommand(delayMilliseconds: Int) -> String {
        "env -u LANG -u LC_ALL -u LC_CTYPE -u NO_COLOR THREADLINE_HOME='\(home.path)' "
            + "THREADLINE_DEMO_DELAY_MS=\(delayMilliseconds) '\(ProcessRunner.threadlineBinary)'"
    }

    func startREPL(delayMilliseconds: Int = 0, width: Int = 100) async throws -> TmuxSession {
        try await waitForPrompt(TmuxSession(command: threadlineCommand(delayMilliseconds: delayMilliseconds), width: width))
    }

    @discardableResult
    func waitForPrompt(_ session: TmuxSession) async throws -> TmuxSession {
        // capture-pane drops trailing blanks, so the empty prompt reads ">".
        let screen = try await session.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix(">") } }
        try #require(screen.contains("Threadline · backend demo"), "REPL did not start: \(screen)")
        return session
    }

    @Test func koreanInputHistoryRecallAndStreamedAnswer() async throws {
        let question = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
        let temperature = DemoWeather.temperature(location: "부산/경상남도")
        do {
            let session = try await startREPL()
            try await session.enter(question)
            let screen = try await session.waitFor { $0.contains("다른 도움이 필요하시면 알려주세요!") }
            #expect(screen.contains("> " + question), "typed Hangul must be echoed intact")
            #expect(screen.contains("→ get_current_temperature(location: 부산/경상남도) = \(temperature)°C"))
            #expect(screen.contains("부산의 현재 기온은 \(temperature)°C입니다."))
            try session.press("C-d")
        }
        // A new process recalls the previous line with ↑ from the history file.
        let session = try await startREPL()
        try session.press("Up")
        let recalled = try await session.waitFor { $0.contains("> " + question) }
        #expect(recalled.contains("> " + question))
        try session.press("Enter")
        let answered = try await session.waitFor {
            $0.components(separatedBy: "다른 도움이 필요하시면 알려주세요!").count == 2
        }
        #expect(answered.contains("부산의 현재 기온은 \(temperature)°C입니다."))
        let attributes = try FileManager.default.attributesOfItem(atPath: home.file("history"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let history = try String(contentsOfFile: home.file("history"), encoding: .utf8)
        #expect(history.components(separatedBy: "\n").filter { $0 == question }.count == 1, "consecutive duplicates are dropped")
    }

    @Test func ctrlCCancelsTheReplyKeepsThePartialTextAndTheSessionGoesOn() async throws {
        let session = try await startREPL(delayMilliseconds: 150)
        try await session.enter("What's the weather in Seoul for the next 5 days?")
        try await session.waitFor { $0.contains("Here is the 5-day") }
        try session.press("C-c")
        let cancelled = try await session.waitFor { $0.contains("[cancelled: partial reply]") }
        #expect(cancelled.contains("[cancelled: partial reply]"))
        #expect(!cancelled.contains("Anything else you'd like to know?"))
        // The prompt is back and usable; Ctrl-C on a typed line only clears it.
        try await session.waitForEmptyPrompt()
        try session.type("not sent")
        try session.press("C-c")
        try await session.waitFor { $0.contains("not sent^C") }
        try await session.enter("/history")
        let history = try await session.waitFor { $0.contains("[partial]") }
        #expect(history.contains("[partial]"))
        #expect(!history.contains("you> not sent"))
    }

    /// A line typed while a reply streams is not echoed into it and not sent: it waits at the
    /// next prompt, where Enter sends it; an Enter alone mid-reply neither splits the reply nor sends anything.
    @Test(arguments: [50, 100])
    func aLineTypedDuringAReplyWaitsAtTheNextPromptUnsent(width: Int) async throws {
        let closing = "Anything else you'd like to know?"
        let typed = "What's the temperature in Seoul?"
        let session = try await startREPL(delayMilliseconds: 100, width: width)
        try await session.enter("What's the weather in Seoul for the next 5 days?")
        try await session.waitFor { $0.contains("Here is the 5-day") }
        try session.press("Enter")
        try session.type(typed)
        try session.press("Enter")
        let waiting = try await session.waitFor { $0.contains(closing) && $0.contains("> " + typed) }
        let rows = waiting.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows.filter { $0.contains(typed) }.count == 1, "not echoed into the reply: \(waiting)")
        #expect(rows.last { !$0.isEmpty } == "> " + typed, "prefilled at the prompt: \(waiting)")
        #expect(!rows.contains { $0.hasPrefix("...") }, "no continuation prompt: \(waiting)")
        #expect(rows.filter { $0.hasPrefix(">") }.count == 2, "the Enters sent nothing: \(waiting)")
        #expect(!waiting.contains("It is currently"), "not sent before Enter")
        try session.press("Enter")
        try await session.waitFor { $0.contains("It is currently") }
        try await session.waitForEmptyPrompt()
        // The scrollback too: the first reply may have scrolled off the screen.
        let answered = try session.history()
        #expect(answered.components(separatedBy: closing).count == 3, "\(answered)")
        #expect(answered.components(separatedBy: "> " + typed).count == 2, "sent once: \(answered)")
    }

    @Test func whatWasTypedDuringACancelledReplyIsDroppedWithANotice() async throws {
        let session = try await startREPL(delayMilliseconds: 150)
        try await session.enter("What's the weather in Seoul for the next 5 days?")
        try await session.waitFor { $0.contains("Here is the 5-day") }
        try session.type("half a thought")
        try session.press("C-c")
        let screen = try await session.waitFor { $0.contains("dropped what you typed during the reply: half a thought") }
        #expect(screen.contains("[cancelled: partial reply]"), "\(screen)")
        #expect(!screen.contains("run cancelled"), "one notice: \(screen)")
        #expect(!screen.contains("^C"), "no ^C in the reply: \(screen)")
        try await session.waitForEmptyPrompt()
    }

    /// A one-shot on a terminal is styled as the REPL is (dim tool lines), and `threadline -`
    /// says that it reads the message from the terminal before it waits.
    @Test func oneShotsOnATerminalAreColouredAndDashSaysItReadsStdin() async throws {
        let coloured = try TmuxSession(
            command: threadlineCommand(delayMilliseconds: 0) + " -p \"What's the temperature in Seoul?\"; sleep 30")
        try await coloured.waitFor { $0.contains("Anything else you'd like to know?") }
        let styled = try coloured.styledScreen()
        #expect(styled.contains("\u{1B}[2m→ get_current_temperature"), "\(styled)")
        let dash = try TmuxSession(command: threadlineCommand(delayMilliseconds: 0) + " -; sleep 30")
        try await dash.waitFor { $0.contains("reading the message from the terminal; end it with Ctrl-D") }
        try dash.type("What's the temperature in Seoul?")
        try dash.press("Enter")
        try dash.press("C-d")
        let answered = try await dash.waitFor { $0.contains("Anything else you'd like to know?") }
        #expect(answered.contains("It is currently"), "\(answered)")
    }

    @Test func tabCompletesSlashCommandsAndInstructionsStayVisible() async throws {
        let session = try await startREPL()
        try session.type("/instr")
        try session.press("Tab")
        // Completed, not empty: the rest is typed on the same line.
        try await session.waitFor { $0.contains("> /instructions") }
        try session.type("사용자를 고객님이라고 부르세요.")
        try session.press("Enter")
        let screen = try await session.waitFor { $0.contains("[instructions] >") }
        #expect(screen.contains("> /instructions 사용자를 고객님이라고 부르세요."))
        #expect(screen.contains("instructions (sticky): 사용자를 고객님이라고 부르세요."))
        try await session.enter("오늘 서울의 온도는 어떤가요?")
        let answered = try await session.waitFor { $0.contains("고객님, 서울의 현재 기온은") }
        #expect(answered.contains("고객님, 서울의 현재 기온은"))
    }

    @Test func sigtermMidReplyStoresItCancelledRestoresTheTerminalAndExitsWith143() async throws {
        // A shell runs threadline, so the pane outlives it and shows the terminal it left behind.
        try "echo $$ > threadline.pid\nexec \(threadlineCommand(delayMilliseconds: 150))\n"
            .write(toFile: home.file("threadline.sh"), atomically: true, encoding: .utf8)
        try """
        cd '\(home.path)'
        stty -g > tty.before
        sh threadline.sh
        echo "exit=$?"
        stty -g > tty.after
        cmp -s tty.before tty.after && echo "tty restored" || echo "tty changed"
        cat -v
        """.write(toFile: home.file("session.sh"), atomically: true, encoding: .utf8)
        let session = try await waitForPrompt(TmuxSession(command: "sh '\(home.file("session.sh"))'"))
        try await session.enter("What's the weather in Seoul for the next 5 days?")
        try await session.waitFor { $0.contains("Here is the 5-day") }
        let pid = try #require(
            Int32(String(contentsOfFile: home.file("threadline.pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let exited = try await session.waitFor { $0.contains("tty ") }
        #expect(exited.contains("[cancelled: partial reply]"), "\(exited)")
        #expect(exited.contains("exit=143"), "\(exited)")
        #expect(exited.contains("tty restored"), "\(exited)")
        // Bracketed paste is off again: a paste reaches `cat -v` without the markers.
        try session.paste("pasted")
        let pasted = try await session.waitFor { $0.contains("pasted") }
        #expect(!pasted.contains("[200~"), "\(pasted)")
        let environment = ["THREADLINE_HOME": home.path]
        let listed = try await ProcessRunner.run(ProcessRunner.threadlineBinary, ["threads", "list"], environment: environment)
        let thread = try #require(listed.stdout.split(separator: " ").dropFirst().first)
        let shown = try await ProcessRunner.run(
            ProcessRunner.threadlineBinary, ["threads", "show", String(thread)], environment: environment)
        #expect(shown.stdout.contains("[partial]"), "\(shown.stdout)")
    }
}
