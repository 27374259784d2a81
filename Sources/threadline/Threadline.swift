import ArgumentParser
import CBuildInfo

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
}
