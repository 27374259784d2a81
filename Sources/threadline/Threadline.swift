import ArgumentParser
import CBuildInfo
import Foundation
import Terminal

@main
struct Threadline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threadline",
        abstract: "A terminal chat REPL for tool-calling assistants.",
        discussion: """
            Opens a chat on one persistent thread; each line is a message, each reply streams \
            as it is written, and tool calls run in parallel. The default backend is an offline \
            demo model that needs no network and no key.
            """,
        version: "0.1.0 (\(String(cString: threadline_build_revision())))",
        subcommands: [ChatCommand.self, ServeCommand.self, ThreadsCommand.self],
        defaultSubcommand: ChatCommand.self)

    /// Runs the command; a bad flag or setting is one line in the house style
    /// (`error: WHAT — WHAT TO DO`), never ArgumentParser's `Error:` followed by the usage.
    static func main() async {
        // The root's help also lists the chat options: they apply without naming the command.
        if CommandLine.arguments.count == 2, ["--help", "-h", "help"].contains(CommandLine.arguments[1]) {
            print(helpMessage() + "\n\nCHAT OPTIONS (threadline [chat] ...):\n\n" + helpMessage(for: ChatCommand.self))
            return
        }
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = message(for: error)
            let code = exitCode(for: error)
            // Help, --version and quiet exit codes keep ArgumentParser's handling.
            guard code != .success, !message.isEmpty else { exit(withError: error) }
            Renderer(interactive: false, color: false).error(usageLine(message))
            Foundation.exit(code.rawValue)
        }
    }

    /// The message with what to do: its own hint when it has one, else where the options are listed.
    static func usageLine(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.contains(" — ") ? line : line + " — threadline --help lists the options"
    }
}
