import ArgumentParser
import Foundation
import Terminal
import ThreadlineCore

/// `threadline [chat]`: the REPL, or the line-per-message pipe when stdin is not a terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat on a persistent thread (the default command).",
        discussion: """
            With a terminal on stdin this is an interactive REPL (/help lists the commands). \
            Otherwise each input line is one user message; stdout carries only the replies, \
            one per turn, and tool calls, notices and errors go to stderr.
            """)

    @OptionGroup var backendOptions: BackendOptions

    @Option(help: "Resume the stored thread with this id.")
    var thread: String?

    @Flag(name: .customLong("continue"), help: "Resume the most recent thread.")
    var continueLast = false

    @Option(help: "Override the assistant's instructions for every run (as /instructions TEXT).")
    var instructions: String?

    @Flag(help: "Neither read nor write the input history file.")
    var noHistory = false

    @Option(help: "Seconds each tool call may take before it becomes an error output.")
    var toolTimeout: Double = 30

    func validate() throws {
        if thread != nil && continueLast { throw ValidationError("--thread and --continue exclude each other") }
        guard toolTimeout > 0, toolTimeout.isFinite else { throw ValidationError("--tool-timeout must be positive") }
    }

    func run() async throws {
        TerminalInfo.setUpLocale()
        let environment = ProcessInfo.processInfo.environment
        let paths = StatePaths(environment: environment)
        let interactive = TerminalInfo.stdinIsTTY
        let renderer = Renderer(
            interactive: interactive,
            color: Renderer.wantsColor(environment: environment, stdoutIsTTY: TerminalInfo.stdoutIsTTY))
        do {
            let configuration = try Configuration.load(directory: try backendOptions.configDirectory(paths: paths))
            let backend = try await backendOptions.makeBackend(
                configuration: configuration, paths: paths, environment: environment)
            let threadID = try await openThread(backend)
            var session = SessionState(threadID: threadID, stickyInstructions: instructions)
            session.model = backendOptions.model
            let history = try openHistory(interactive: interactive, paths: paths, renderer: renderer)
            let reader = makeReader(interactive: interactive)
            if interactive { TerminalInfo.trapInterrupts() }
            let driver = RunDriver(
                backend: backend,
                toolRunner: ToolRunner(registry: configuration.tools, timeout: .milliseconds(Int(toolTimeout * 1000))))
            let repl = REPL(
                backend: backend, driver: driver, reader: reader, renderer: renderer, history: history,
                session: session, assistantInstructions: configuration.assistant.instructions ?? "")
            await repl.run()
        } catch let error as ValidationError {
            throw error
        } catch {
            renderer.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
    }

    private func openThread(_ backend: any ChatBackend) async throws -> String {
        if let thread { return try await backend.thread(id: thread).id }
        if continueLast, let recent = try await backend.listThreads(limit: 50).first(where: { $0.title != nil }) {
            return recent.id
        }
        return try await backend.createThread().id
    }

    private func makeReader(interactive: Bool) -> any LineReader {
        if interactive, let editor = EditLineReader(program: "threadline", completions: SlashCommandParser.completions) {
            return editor
        }
        return PlainLineReader()
    }

    private func openHistory(interactive: Bool, paths: StatePaths, renderer: Renderer) throws -> HistoryFile? {
        guard interactive, !noHistory else { return nil }
        do {
            return try HistoryFile(path: paths.historyFile)
        } catch {
            renderer.error("history disabled: \(Renderer.oneLine(error))")
            return nil
        }
    }
}
