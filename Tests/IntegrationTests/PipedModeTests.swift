import Foundation
import TestSupport
import Testing
import Tools

/// The built binary driven through pipes, as scripts use it (DESIGN.md's piped contract).
@Suite struct PipedModeTests {
    static let seedQuestion = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"
    let home = TemporaryDirectory("threadline-piped")

    var environment: [String: String] { ["THREADLINE_HOME": home.path, "THREADLINE_DEMO_DELAY_MS": "0"] }

    func run(_ lines: [String], arguments: [String] = []) throws -> ProcessOutput {
        try ProcessRunner.run(arguments, lines: lines, environment: environment)
    }

    /// Thread ids printed by `/show` on stderr, in order.
    func threadIDs(in stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            // A thread not stored yet has no id to show.
            guard line.hasPrefix("thread:"), let id = line.split(separator: " ").last, id.hasPrefix("thread_") else { return nil }
            return String(id)
        }
    }

    @Test func seedQuestionAnswersInKoreanWithBothToolValues() throws {
        let output = try run([Self.seedQuestion])
        #expect(output.status == 0)
        let temperature = DemoWeather.temperature(location: "부산/경상남도")
        let rainPercent = Int((DemoWeather.rainProbability(location: "부산/경상남도") * 100).rounded())
        #expect(output.stdout.contains("부산의 현재 기온은 \(temperature)°C"))
        #expect(output.stdout.contains("\(rainPercent)%"))
        #expect(output.stdout.hasSuffix("\n"))
        // Tool calls go to stderr only, one line each.
        #expect(output.stderr.contains("→ get_current_temperature(location: 부산/경상남도) = \(temperature)°C"))
        #expect(output.stderr.contains("→ get_rain_probability(location: 부산/경상남도)"))
        #expect(!output.stdout.contains("→"))
    }

    @Test func instructionsOverrideMakesTheAnswerSayGogaeknim() throws {
        let output = try run([
            Self.seedQuestion,
            "/instructions 사용자를 고객님이라고 부르세요.",
            "오늘 서울의 온도는 어떤가요? 비가 올 확률은 어떤가요?",
        ])
        #expect(output.status == 0)
        let replies = output.stdout.components(separatedBy: "다른 도움이 필요하시면 알려주세요!")
        #expect(replies.count == 3)
        #expect(!replies[0].contains("고객님"))
        #expect(replies[1].contains("고객님, 서울의 현재 기온은"))
        #expect(output.stderr.contains("instructions (sticky): 사용자를 고객님이라고 부르세요."))
    }

    @Test func onceInstructionsApplyToOneRunOnly() throws {
        let output = try run([
            "/instructions --once Call the user Captain.",
            "What's the temperature in Seoul?",
            "What's the temperature in Seoul?",
        ])
        let replies = output.stdout.components(separatedBy: "Anything else you'd like to know?")
        #expect(replies.count == 3)
        #expect(replies[0].contains("Captain, "))
        #expect(!replies[1].contains("Captain"))
    }

    /// `/instructions show`, a typo and `--once` all keep the sticky override; only `--once --replace` sets it aside, for one run.
    @Test func stickyInstructionsSurviveShowTyposAndOnce() throws {
        let question = "What's the temperature in Seoul?"
        let output = try run([
            "/instructions 사용자를 고객님이라고 부르세요.",
            "/instructions show",
            "/instructions clear now",
            "/instructions --onse Call the user Captain.",
            "/instructions --once Call the user Captain.",
            question,
            "/instructions --once --replace Call the user Captain.",
            "/show",
            question,
            question,
            "/instructions",
        ])
        #expect(output.status == 0)
        let replies = output.stdout.components(separatedBy: "Anything else you'd like to know?")
        #expect(replies.count == 4)
        #expect(replies[0].contains("고객님, "))
        #expect(replies[1].contains("Captain, "))
        #expect(replies[2].contains("고객님, "))
        #expect(!output.stdout.contains("show"))
        let stderr = output.stderr
        #expect(stderr.contains("error: /instructions clear takes no text (nothing changed) — "))
        #expect(stderr.contains("error: unknown option --onse — usage: /instructions "))
        #expect(stderr.contains("added for the next run only: Call the user Captain."))
        #expect(stderr.contains("next run only, instead of the instructions below: Call the user Captain."))
        // Every listing, the last one after the runs included, still names the sticky override.
        let sticky = "instructions (sticky): 사용자를 고객님이라고 부르세요."
        #expect(stderr.components(separatedBy: sticky).count - 1 == 6)
    }

    @Test func newStartsADifferentThread() throws {
        let output = try run([Self.seedQuestion, "/show", "/new", "/show", Self.seedQuestion, "/show"])
        let ids = threadIDs(in: output.stderr)
        #expect(ids.count == 2)
        #expect(ids.first != ids.last)
        #expect(output.stderr.contains("new thread (stored with its first message)"))
        #expect(output.stderr.contains("thread:   new (stored with its first message)"))
    }

    @Test func continueSeesTheEarlierConversation() throws {
        let first = try run([Self.seedQuestion, "/show"])
        let firstThread = try #require(threadIDs(in: first.stderr).first)
        let second = try run(["/show", "/history", "What's the weather in Seoul for the next 3 days?"], arguments: ["--continue"])
        #expect(second.status == 0)
        #expect(threadIDs(in: second.stderr).first == firstThread)
        #expect(second.stderr.hasPrefix("continuing thread \(firstThread) (started "), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").first?.hasSuffix("): \(Self.seedQuestion)") == true)
        #expect(second.stderr.contains("you> \(Self.seedQuestion)"))
        #expect(second.stderr.contains("다른 도움이 필요하시면 알려주세요!"))
        #expect(second.stdout.contains("3-day forecast for Seoul"))
        let third = try run(["/history"], arguments: ["--thread", firstThread])
        #expect(third.stderr.contains("What's the weather in Seoul for the next 3 days?"))
    }

    @Test func resumeTakesTheNumberFromThreadsOrAnIdPrefixAndListsWhenBare() throws {
        let first = try #require(threadIDs(in: try run([Self.seedQuestion, "/show"]).stderr).first)
        let second = try #require(threadIDs(in: try run(["What's the temperature in Seoul?", "/show"]).stderr).first)
        // Most recently used first: the second, then the first (this session stores none).
        let output = try run([
            "/threads", "/resume 2", "/show", "/resume \(second.prefix(12))", "/show", "/resume", "/resume 99", "/resume thread_",
        ])
        #expect(output.status == 0)
        let rows = output.stderr.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("1  \(second)") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("2  \(first)") }, "\(rows)")
        #expect(threadIDs(in: output.stderr) == [first, second])
        #expect(output.stderr.contains("resumed thread \(first): \(Self.seedQuestion)"))
        #expect(output.stderr.contains("resumed thread \(second): What's the temperature in Seoul?"))
        // Bare /resume lists again, now with the second thread marked current.
        #expect(rows.contains { $0.hasPrefix("1* \(second)") }, "\(rows)")
        #expect(output.stderr.contains("error: there is no thread 99 — /threads lists them with their numbers"))
        #expect(output.stderr.contains("error: thread_ starts 2 thread ids — type more of the id, or use its number from /threads"))
    }

    @Test func continueWithNothingToContinueSaysSo() throws {
        let output = try run(["/show"], arguments: ["--continue"])
        #expect(output.status == 0)
        #expect(output.stderr.hasPrefix("no thread to continue yet; starting a new one\n"))
    }

    @Test func noThreadIsStoredBeforeItsFirstMessageAndPruneDeletesOnlyEmptyOnes() throws {
        _ = try run(["/show", "/new", "/threads"])
        _ = try run([])
        #expect(try run([], arguments: ["threads", "list"]).stdout.isEmpty, "sessions that sent nothing leave no thread")
        let kept = try #require(threadIDs(in: try run([Self.seedQuestion, "/show"]).stderr).first)
        // Threads made through the API stay empty until a message comes.
        let serve = try ServeProcess(environment: environment)
        defer { serve.process.kill9() }
        for _ in 0..<2 { _ = try serve.request("POST", "/threads", body: "{}") }
        let young = try run([], arguments: ["threads", "prune"])
        #expect(young.stdout == "deleted 0 empty threads\n", "an hour must pass by default")
        let pruned = try run([], arguments: ["threads", "prune", "--older-than", "0"])
        #expect(pruned.status == 0)
        #expect(pruned.stdout == "deleted 2 empty threads\n")
        let left = try run([], arguments: ["threads", "list"]).stdout.split(separator: "\n")
        #expect(left.count == 1)
        #expect(left.first?.hasPrefix("1  \(kept)  used ") == true, "\(left)")
    }

    @Test func slashCommandErrorsAreNeverSentToTheModel() throws {
        let output = try run(["/bogus", "/instrctions hi", "/new now"])
        #expect(output.status == 0)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("error: unknown command /bogus"))
        #expect(output.stderr.contains("did you mean /instructions?"))
        #expect(output.stderr.contains("/new takes no arguments"))
    }

    @Test func invalidUTF8LineIsSkippedWithAnErrorAndTheRestGoesOn() throws {
        var input = Data([0xFF, 0xFE, 0x41, 0x0A])
        input.append(Data("What's the temperature in Busan?\n".utf8))
        let output = try ProcessRunner.run(input: input, environment: environment)
        #expect(output.status == 0)
        #expect(output.stderr.contains("input line 1 is not valid UTF-8"))
        #expect(output.stdout.contains("in Busan"))
    }

    @Test func unknownThreadIsAFatalOneLineError() throws {
        let output = try run(["hello"], arguments: ["--thread", "thread_nope"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("no thread with id thread_nope"))
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    @Test func badFlagsExitNonZero() throws {
        #expect(try run([], arguments: ["--backend", "bogus"]).status != 0)
        #expect(try run([], arguments: ["--tool-timeout", "0"]).status != 0)
        #expect(try run([], arguments: ["--thread", "x", "--continue"]).status != 0)
    }

    @Test func stateFilesAreCreatedPrivate() throws {
        _ = try run([Self.seedQuestion])
        let attributes = try FileManager.default.attributesOfItem(atPath: home.file("threads.sqlite"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func threadsSubcommandListsShowsAndDeletes() throws {
        let first = try run([Self.seedQuestion, "/show"])
        let id = try #require(threadIDs(in: first.stderr).first)
        let list = try ProcessRunner.run(["threads", "list"], lines: [], environment: environment)
        #expect(list.stdout.hasPrefix("1  \(id)  used "), "\(list.stdout)")
        #expect(list.stdout.contains(Self.seedQuestion))
        let show = try ProcessRunner.run(["threads", "show", id], lines: [], environment: environment)
        #expect(show.stdout.contains("→ get_rain_probability"))
        let delete = try ProcessRunner.run(["threads", "delete", id], lines: [], environment: environment)
        #expect(delete.status == 0)
        let after = try ProcessRunner.run(["threads", "show", id], lines: [], environment: environment)
        #expect(after.status != 0)
    }
}
