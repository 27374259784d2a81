import Foundation

/// How `/instructions` changes the session's overrides.
public enum InstructionsAction: Sendable, Equatable {
    case show
    case clear
    /// Replaces the assistant's instructions for every following run.
    case sticky(String)
    /// For the next run only: added to the instructions, or with `replace` used instead of them.
    case once(String, replace: Bool)
    /// Adds to them for every following run.
    case add(String)
}

/// A parsed slash command.
public enum SlashCommand: Sendable, Equatable {
    case help
    case instructions(InstructionsAction)
    case new
    case threads
    /// A thread by id, unique id prefix or its number in `/threads`; nil: list them.
    case resume(String?)
    case show
    case tools
    /// `/mcp`: the MCP servers; `/mcp restart NAME` starts one again.
    case mcp(restart: String?)
    case model(String?)
    case history
    /// Compose a message in `$VISUAL`/`$EDITOR`, prefilled with the text or the last message.
    case edit(String?)
    /// Run the last user message again; the previous reply stays, marked superseded.
    case retry
    /// Write the thread to a file (Markdown, or JSON for `.json`); nil: the default name.
    case save(path: String?, force: Bool)
    /// Replies rendered as Markdown (true) or written as the model sent them; nil: show which.
    case render(markdown: Bool?)
    /// Copy a code block of the last reply, or the whole reply, to the clipboard.
    case copy(CopyTarget)
    case quit
}

/// What `/copy` copies from the last reply.
public enum CopyTarget: Sendable, Equatable {
    /// The Nth code block (1-based); nil: the last one.
    case codeBlock(Int?)
    case reply
}

/// One row of the command table: help, completion and parsing all read it.
public struct SlashCommandSpec: Sendable {
    public var name: String
    public var usage: String
    public var summary: String
    /// Turns the text after the name (trimmed, maybe empty) into a command or a usage error.
    var parse: @Sendable (String) -> Result<SlashCommand, SlashCommandError>
}

/// A line that starts with `/` but is not a valid command; never sent to the model.
public struct SlashCommandError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

extension SlashCommandSpec {
    /// Every command, in the order `/help` lists them.
    public static let all: [SlashCommandSpec] = [
        simple("help", "show this help", .help),
        SlashCommandSpec(
            name: "instructions", usage: instructionsUsage,
            summary: "override the assistant's instructions (sticky; --once: added for the next run, "
                + "--once --replace: instead for the next run; --add: added to every run); alone or show: show",
            parse: parseInstructions),
        simple("new", "start a new thread (sticky instructions are kept)", .new),
        simple("threads", "list stored threads", .threads),
        SlashCommandSpec(
            name: "resume", usage: "[N|ID]", summary: "continue thread N of /threads, or the one whose id starts with ID; alone: list",
            parse: { .success(.resume($0.isEmpty ? nil : $0)) }),
        simple("show", "backend, model, thread, instructions and tools", .show),
        simple("tools", "list the tools and who serves them", .tools),
        SlashCommandSpec(
            name: "mcp", usage: "[restart NAME]", summary: "the MCP servers: state, tools, last error; restart one", parse: parseMCP),
        SlashCommandSpec(
            name: "model", usage: "[NAME]", summary: "use another model for following runs; alone: show",
            parse: {
                $0.contains(where: \.isWhitespace) ? .failure(usageError("model", "[NAME]")) : .success(.model($0.isEmpty ? nil : $0))
            }),
        simple("history", "show this thread's conversation", .history),
        SlashCommandSpec(
            name: "edit", usage: "[TEXT]", summary: "write the message in $VISUAL/$EDITOR (prefilled with TEXT or the last message)",
            parse: { .success(.edit($0.isEmpty ? nil : $0)) }),
        simple("retry", "run the last message again (the previous reply stays, marked superseded)", .retry),
        SlashCommandSpec(
            name: "save", usage: "[FILE] [--force]",
            summary: "write the thread as Markdown, or JSON for *.json (default threadline-THREAD.md)", parse: parseSave),
        SlashCommandSpec(
            name: "render", usage: "[raw|markdown]",
            summary: "write replies as the model sent them, or rendered (the default in a terminal)",
            parse: parseRender),
        SlashCommandSpec(
            name: "copy", usage: "[N|reply]",
            summary: "copy code block N of the last reply (default: the last block; reply: all of it) to the clipboard", parse: parseCopy),
        simple("quit", "leave (also Ctrl-D)", .quit),
        simple("exit", "leave, as /quit", .quit),
    ]

    private static func simple(_ name: String, _ summary: String, _ command: SlashCommand) -> SlashCommandSpec {
        SlashCommandSpec(
            name: name, usage: "", summary: summary,
            parse: { $0.isEmpty ? .success(command) : .failure(SlashCommandError(description: "/\(name) takes no arguments")) })
    }

    private static func usageError(_ name: String, _ usage: String) -> SlashCommandError {
        SlashCommandError(description: "usage: /\(name) \(usage)")
    }

    /// `[--force] [FILE] [--force]`: FILE is the rest of the line, spaces included, or a quoted
    /// `"a b.md"` / `'a b.md'`.
    private static func parseSave(_ text: String) -> Result<SlashCommand, SlashCommandError> {
        let flag = "--force"
        var rest = Substring(text)
        var force = false
        if rest == flag || rest.hasPrefix(flag + " ") {
            force = true
            rest = rest.dropFirst(flag.count).drop { $0 == " " }
        }
        var path: Substring
        if let quote = rest.first, quote == "\"" || quote == "'" {
            guard let close = rest.dropFirst().firstIndex(of: quote) else { return .failure(usageError("save", "[FILE] [--force]")) }
            path = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest == flag && !force {
                force = true
                rest = ""
            }
            guard rest.isEmpty, !path.isEmpty else { return .failure(usageError("save", "[FILE] [--force]")) }
        } else {
            if !force, rest == flag || rest.hasSuffix(" " + flag) {
                force = true
                rest = rest.dropLast(flag.count)
            }
            path = rest
            while path.last == " " { path = path.dropLast() }
            guard !path.hasPrefix("-") else { return .failure(usageError("save", "[FILE] [--force]")) }
        }
        return .success(.save(path: path.isEmpty ? nil : String(path), force: force))
    }

    private static func parseRender(_ text: String) -> Result<SlashCommand, SlashCommandError> {
        switch text {
        case "": return .success(.render(markdown: nil))
        case "raw": return .success(.render(markdown: false))
        case "markdown": return .success(.render(markdown: true))
        default: return .failure(usageError("render", "[raw|markdown]"))
        }
    }

    private static func parseMCP(_ text: String) -> Result<SlashCommand, SlashCommandError> {
        if text.isEmpty { return .success(.mcp(restart: nil)) }
        let words = text.split(separator: " ")
        guard words.count == 2, words[0] == "restart" else { return .failure(usageError("mcp", "[restart NAME]")) }
        return .success(.mcp(restart: String(words[1])))
    }

    private static func parseCopy(_ text: String) -> Result<SlashCommand, SlashCommandError> {
        if text.isEmpty { return .success(.copy(.codeBlock(nil))) }
        if text == "reply" { return .success(.copy(.reply)) }
        guard let number = Int(text), number > 0 else { return .failure(usageError("copy", "[N|reply]")) }
        return .success(.copy(.codeBlock(number)))
    }

    static let instructionsUsage = "[--once [--replace]|--add] [--] TEXT | show | clear"

    /// Flags come first and are checked: a typo is an error, never text that replaces the sticky instructions.
    /// `--` ends the flags, so text starting with `-`, `show` or `clear` can still be set.
    private static func parseInstructions(_ text: String) -> Result<SlashCommand, SlashCommandError> {
        var rest = Substring(text)
        var flags: [String] = []
        var endOfFlags = false
        while rest.hasPrefix("-") {
            let word = String(rest.prefix { !$0.isWhitespace })
            rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
            if word == "--" {
                endOfFlags = true
                break
            }
            guard ["--once", "--replace", "--add"].contains(word) else {
                return .failure(instructionsError("unknown option \(word)"))
            }
            flags.append(word)
        }
        let body = String(rest)
        if flags.isEmpty && !endOfFlags {
            switch body {
            case "", "show": return .success(.instructions(.show))
            case "clear": return .success(.instructions(.clear))
            default: break
            }
            if let word = ["show", "clear"].first(where: { body.hasPrefix($0 + " ") }) {
                return .failure(
                    SlashCommandError(
                        description: "/instructions \(word) takes no text (nothing changed) — "
                            + "to set instructions that start with \"\(word)\", write /instructions -- \(body)"))
            }
        }
        if Set(flags).count != flags.count { return .failure(instructionsError("an option is given twice")) }
        if flags.contains("--replace") && !flags.contains("--once") { return .failure(instructionsError("--replace goes with --once")) }
        if flags.contains("--add") && flags.contains("--once") { return .failure(instructionsError("--add and --once do not go together")) }
        guard !body.isEmpty else { return .failure(instructionsError("the instructions text is missing")) }
        if flags.contains("--once") { return .success(.instructions(.once(body, replace: flags.contains("--replace")))) }
        if flags.contains("--add") { return .success(.instructions(.add(body))) }
        return .success(.instructions(.sticky(body)))
    }

    private static func instructionsError(_ problem: String) -> SlashCommandError {
        SlashCommandError(description: "\(problem) — usage: /instructions \(instructionsUsage)")
    }
}

/// Recognises slash commands in a line of input.
public enum SlashCommandParser {
    /// nil when the line is a message for the model; `//text` sends the message `/text`.
    public static func parse(_ line: String) -> Result<SlashCommand, SlashCommandError>? {
        guard line.hasPrefix("/"), !line.hasPrefix("//") else { return nil }
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let rest = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        guard let spec = SlashCommandSpec.all.first(where: { $0.name == name }) else {
            let hint = suggestion(for: name).map { " (did you mean /\($0)?)" } ?? ""
            return .failure(SlashCommandError(description: "unknown command /\(name)\(hint); /help lists commands"))
        }
        return spec.parse(rest)
    }

    /// Unescapes `//text` to the message `/text`.
    public static func messageText(_ line: String) -> String {
        line.hasPrefix("//") ? String(line.dropFirst()) : line
    }

    /// Completion words: every command with its slash.
    public static var completions: [String] { SlashCommandSpec.all.map { "/" + $0.name } }

    /// The closest command name by prefix or edit distance, if any is close.
    static func suggestion(for name: String) -> String? {
        let names = SlashCommandSpec.all.map(\.name)
        if !name.isEmpty, let prefixed = names.first(where: { $0.hasPrefix(name) }) { return prefixed }
        let scored = names.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= 2 else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// The `/help` text for a window `width` columns wide, generated from the table: names in a
    /// column sized to fit them with the summaries wrapped beside it, or, when that leaves the
    /// summaries too little room, each summary wrapped under its name. Nothing is wider than `width`.
    public static func helpText(width: Int) -> String {
        let rows = SlashCommandSpec.all.map { spec -> (String, String) in
            ("/" + spec.name + (spec.usage.isEmpty ? "" : " " + spec.usage), spec.summary)
        }
        // A name much longer than the others gets a row of its own rather than widening the column.
        let nameWidth = (rows.map { DisplayWidth.of($0.0) }.filter { $0 <= 28 }.max() ?? 0) + 2
        let besideName = width - nameWidth >= 30
        let indent = String(repeating: " ", count: nameWidth)
        var lines: [String] = []
        for (name, summary) in rows {
            if besideName {
                let fits = DisplayWidth.of(name) + 2 <= nameWidth
                if !fits { lines += Renderer.wrapped(name, width: width) }
                let first = fits ? name + String(repeating: " ", count: nameWidth - DisplayWidth.of(name)) : indent
                lines += Renderer.wrapped(summary, width: width, prefix: first, hangingPrefix: indent)
            } else {
                lines += Renderer.wrapped(name, width: width)
                lines += Renderer.wrapped(summary, width: width, prefix: "    ", hangingPrefix: "    ")
            }
        }
        let keys = [
            "Ctrl-C cancels a reply, Ctrl-R searches history, Tab completes commands, //text sends \"/text\".",
            "Ctrl-J or Alt-Enter starts a new line; a line of \"\"\" opens a block up to the next \"\"\"; a paste is one message;",
            "Ctrl-X Ctrl-E edits the input in $VISUAL/$EDITOR.",
        ]
        return (lines + [""] + keys.flatMap { Renderer.wrapped($0, width: width) }).joined(separator: "\n")
    }

}
