import Testing

@testable import Terminal

@Suite struct SlashCommandTests {
    func parse(_ line: String) -> Result<SlashCommand, SlashCommandError>? {
        SlashCommandParser.parse(line)
    }

    @Test func plainTextIsNotACommand() {
        #expect(parse("오늘 부산의 날씨는 어때요?") == nil)
        #expect(parse("what about /new?") == nil)
    }

    @Test func doubleSlashSendsALiteralSlashMessage() {
        #expect(parse("//new is a command") == nil)
        #expect(SlashCommandParser.messageText("//new is a command") == "/new is a command")
        #expect(SlashCommandParser.messageText("hello") == "hello")
    }

    @Test(arguments: [
        ("/help", SlashCommand.help), ("/new", .new), ("/threads", .threads), ("/show", .show),
        ("/tools", .tools), ("/history", .history), ("/quit", .quit), ("/exit", .quit),
        ("/model", .model(nil)), ("/model gpt-4o-mini", .model("gpt-4o-mini")),
        ("/resume thread_abc", .resume("thread_abc")), ("/resume", .resume(nil)), ("/resume 2", .resume("2")),
        ("/render", .render(markdown: nil)),
        ("/render raw", .render(markdown: false)), ("/render markdown", .render(markdown: true)),
        ("/copy", .copy(.codeBlock(nil))), ("/copy 2", .copy(.codeBlock(2))), ("/copy reply", .copy(.reply)),
    ])
    func simpleCommands(line: String, expected: SlashCommand) throws {
        #expect(try parse(line)?.get() == expected)
    }

    @Test func renderAndCopyRejectOtherArguments() {
        #expect(parse("/render fancy") == .failure(SlashCommandError(description: "usage: /render [raw|markdown]")))
        #expect(parse("/copy 0") == .failure(SlashCommandError(description: "usage: /copy [N|reply]")))
        #expect(SlashCommandParser.completions.contains("/copy"))
        #expect(SlashCommandParser.helpText(width: 1000).contains("/render [raw|markdown]"))
    }

    @Test func modelTakesOneNameAndExitIsListed() {
        #expect(parse("/model a b") == .failure(SlashCommandError(description: "usage: /model [NAME]")))
        #expect(SlashCommandParser.helpText(width: 100).contains("/exit"))
        #expect(SlashCommandParser.completions.contains("/exit"))
    }

    @Test func instructionsForms() throws {
        #expect(try parse("/instructions")?.get() == .instructions(.show))
        #expect(try parse("/instructions show")?.get() == .instructions(.show))
        #expect(try parse("/instructions clear")?.get() == .instructions(.clear))
        #expect(
            try parse("/instructions 사용자를 고객님이라고 부르세요.")?.get()
                == .instructions(.sticky("사용자를 고객님이라고 부르세요.")))
        #expect(try parse("/instructions --once Be brief.")?.get() == .instructions(.once("Be brief.", replace: false)))
        #expect(
            try parse("/instructions --once --replace Be brief.")?.get() == .instructions(.once("Be brief.", replace: true)))
        #expect(
            try parse("/instructions --replace --once Be brief.")?.get() == .instructions(.once("Be brief.", replace: true)))
        #expect(try parse("/instructions --add  Use metric.")?.get() == .instructions(.add("Use metric.")))
        // `--` ends the options: text may then start with a dash or a subcommand's name.
        #expect(try parse("/instructions -- show the sources")?.get() == .instructions(.sticky("show the sources")))
        #expect(try parse("/instructions -- --verbose")?.get() == .instructions(.sticky("--verbose")))
        #expect(try parse("/instructions --once -- clear")?.get() == .instructions(.once("clear", replace: false)))
    }

    /// A typo never replaces the sticky instructions: each of these is an error that names the problem.
    @Test(arguments: [
        ("/instructions --oncely x", "unknown option --oncely"),
        ("/instructions -x text", "unknown option -x"),
        ("/instructions --once", "the instructions text is missing"),
        ("/instructions --replace text", "--replace goes with --once"),
        ("/instructions --once --add text", "--add and --once do not go together"),
        ("/instructions --add --add text", "an option is given twice"),
        ("/instructions clear now", "/instructions clear takes no text (nothing changed)"),
        ("/instructions show all", "/instructions show takes no text (nothing changed)"),
    ])
    func instructionsTyposAreErrors(line: String, problem: String) {
        guard case .failure(let error)? = parse(line) else {
            Issue.record("expected an error for \(line)")
            return
        }
        #expect(error.description.hasPrefix(problem))
        #expect(error.description.contains(" — "))
    }

    @Test func usageErrors() {
        #expect(throws: SlashCommandError.self) { try parse("/instructions --once")?.get() }
        #expect(throws: SlashCommandError.self) { try parse("/new now")?.get() }
    }

    @Test func unknownCommandSuggestsTheClosest() {
        guard case .failure(let error)? = parse("/instrctions x") else {
            Issue.record("expected an error")
            return
        }
        #expect(error.description.contains("unknown command /instrctions"))
        #expect(error.description.contains("did you mean /instructions?"))
        guard case .failure(let prefixed)? = parse("/thr") else {
            Issue.record("expected an error")
            return
        }
        #expect(prefixed.description.contains("/threads"))
        guard case .failure(let far)? = parse("/zzzzzzzz") else {
            Issue.record("expected an error")
            return
        }
        #expect(!far.description.contains("did you mean"))
    }

    @Test func helpAndCompletionComeFromTheOneTable() {
        for spec in SlashCommandSpec.all {
            #expect(SlashCommandParser.completions.contains("/" + spec.name))
            #expect(SlashCommandParser.helpText(width: 1000).contains("/" + spec.name))
            #expect(SlashCommandParser.helpText(width: 1000).contains(spec.summary))
        }
        #expect(SlashCommandParser.completions.count == SlashCommandSpec.all.count)
    }

    /// At any width no row is wider than the window and no word of a summary is split.
    @Test(arguments: [30, 50, 80, 100, 140])
    func helpFitsTheWindowWithoutSplittingWords(width: Int) {
        let text = SlashCommandParser.helpText(width: width)
        for row in text.split(separator: "\n") {
            #expect(DisplayWidth.of(row) <= width, "\(row)")
        }
        let words = Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
        for spec in SlashCommandSpec.all {
            for word in (spec.usage + " " + spec.summary).split(separator: " ") {
                #expect(words.contains(String(word)), "\(word) at \(width)")
            }
        }
    }

    @Test func editDistance() {
        #expect(SlashCommandParser.editDistance("show", "show") == 0)
        #expect(SlashCommandParser.editDistance("shwo", "show") == 2)
        #expect(SlashCommandParser.editDistance("", "new") == 3)
        #expect(SlashCommandParser.editDistance("tools", "") == 5)
    }

    @Test func editRetryAndSaveParse() throws {
        #expect(try parse("/edit")?.get() == .edit(nil))
        #expect(try parse("/edit draft text")?.get() == .edit("draft text"))
        #expect(try parse("/retry")?.get() == .retry)
        #expect(try parse("/save")?.get() == .save(path: nil, force: false))
        #expect(try parse("/save out.json")?.get() == .save(path: "out.json", force: false))
        #expect(try parse("/save --force out.md")?.get() == .save(path: "out.md", force: true))
        #expect(try parse("/save a b.md")?.get() == .save(path: "a b.md", force: false))
        #expect(try parse("/save my notes/a b.md --force")?.get() == .save(path: "my notes/a b.md", force: true))
        #expect(try parse(#"/save "a b.md""#)?.get() == .save(path: "a b.md", force: false))
        #expect(try parse(#"/save --force 'x  y.json'"#)?.get() == .save(path: "x  y.json", force: true))
        #expect(try parse(#"/save "a b.md" --force"#)?.get() == .save(path: "a b.md", force: true))
        #expect(try parse("/save --force")?.get() == .save(path: nil, force: true))
        #expect(throws: SlashCommandError.self) { try parse(#"/save "a b.md"#)?.get() }
        #expect(throws: SlashCommandError.self) { try parse(#"/save "a" b"#)?.get() }
        #expect(throws: SlashCommandError.self) { try parse("/save --bogus")?.get() }
        #expect(throws: SlashCommandError.self) { try parse("/retry now")?.get() }
    }
}

@Suite struct MCPSlashCommandTests {
    @Test func mcpShowsOrRestartsAServer() {
        #expect(SlashCommandParser.parse("/mcp") == .success(.mcp(restart: nil)))
        #expect(SlashCommandParser.parse("/mcp restart time") == .success(.mcp(restart: "time")))
        #expect(SlashCommandParser.parse("/mcp stop time") == .failure(SlashCommandError(description: "usage: /mcp [restart NAME]")))
    }
}
