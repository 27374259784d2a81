import ArgumentParser
import Backends
import Foundation
import Terminal
import ThreadlineCore
import ThreadlineSettings
import Tools

/// `threadline [chat]`: the REPL, or the line-per-message pipe when stdin is not a terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat on a persistent thread (the default command).",
        discussion: """
            With a terminal on stdin this is an interactive REPL (/help lists the commands). \
            Otherwise each input line is one user message; stdout carries only the replies, \
            one per turn, and tool calls, notices and errors go to stderr.

            One-shot: `threadline -p "question"` or `threadline question words` sends one \
            message on a new thread (the current one with --continue, or --thread ID), prints \
            the reply and exits, non-zero when the run fails; `-` reads the whole of stdin as \
            the message.
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

    @Flag(help: "Write replies exactly as the model sends them, without rendering Markdown (also NO_COLOR; /render changes it).")
    var raw = false

    @Flag(
        help:
            "Run tool calls that would ask for approval without asking (piped and one-shot runs decline them otherwise). Env: THREADLINE_YES=1."
    )
    var yes = false

    @Option(name: [.customShort("p"), .customLong("prompt")], help: "Send this one message, print the reply, exit (- reads stdin).")
    var prompt: String?

    @Argument(help: "A question to send one-shot, as with -p (- reads stdin).")
    var question: [String] = []

    func validate() throws {
        if thread != nil && continueLast { throw ValidationError("--thread and --continue exclude each other") }
        if prompt != nil && !question.isEmpty { throw ValidationError("give the question either with -p or as arguments, not both") }
        if Duration.setting(seconds: toolTimeout) == nil { throw ValidationError(Duration.settingProblem("--tool-timeout")) }
    }

    func run() async throws {
        TerminalInfo.setUpLocale()
        let environment = ProcessInfo.processInfo.environment
        let paths = StatePaths(environment: environment)
        let oneShot: String?
        do {
            oneShot = try oneShotMessage()
        } catch {
            Renderer(interactive: false, color: false).error("\(error)")
            throw ExitCode.failure
        }
        let interactive = oneShot == nil && TerminalInfo.stdinIsTTY
        let renderer = Renderer.forTerminal(interactive: interactive, environment: environment, markdown: !raw)
        let repl: REPL
        var servers: MCPServers?
        do {
            var configuration = try backendOptions.loadConfiguration(paths: paths)
            let declared = Set(configuration.tools.names)
            servers = await startServers(
                &configuration, beside: declared, interactive: interactive, paths: paths, environment: environment, renderer: renderer)
            let backend = try await backendOptions.makeBackend(
                configuration: configuration, paths: paths, environment: environment)
            if let servers, let joinable = backend as? any ToolJoiningBackend {
                await joinable.setJoiningTools { servers.tools(excluding: declared).tools.map(\.definition) }
            }
            let threadID = try await openThread(backend)
            var session = SessionState(threadID: threadID, stickyInstructions: instructions)
            session.model = backendOptions.model
            let history = try openHistory(interactive: interactive, paths: paths, renderer: renderer)
            let reader = makeReader(interactive: interactive)
            // Piped input keeps the default signals: Ctrl-C ends the process.
            let interrupts = interactive || oneShot != nil ? Interrupts.install() : nil
            let driver = RunDriver(
                backend: backend,
                toolRunner: ToolRunner(registry: configuration.tools, timeout: .milliseconds(Int64(toolTimeout * 1000))),
                approver: approver(reader: interactive ? reader : nil, environment: environment, renderer: renderer))
            repl = REPL(
                backend: backend, driver: driver, reader: reader, renderer: renderer, history: history,
                session: session, assistantInstructions: configuration.assistant.instructions ?? "", interrupts: interrupts,
                servers: servers)
        } catch let error as ValidationError {
            await servers?.stopAll()
            throw error
        } catch {
            await servers?.stopAll()
            renderer.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
        guard let oneShot else {
            // A line that could not be sent makes piped input end non-zero, after the rest ran.
            let sentEveryLine = await repl.run()
            await servers?.stopAll()
            guard sentEveryLine || interactive else { throw ExitCode.failure }
            return
        }
        // Ctrl-C cancels the run (on the server too) and keeps the partial reply, instead of
        // killing the process mid-stream.
        let succeeded = await repl.sendOnce(oneShot)
        await servers?.stopAll()
        guard succeeded else { throw ExitCode.failure }
    }

    /// Starts the servers of mcp.json, all at once; each server's tools join the session's as it
    /// becomes ready. The REPL does not wait: a server says when it is ready (the next run offers
    /// its tools) or that it failed. Piped and one-shot runs wait, each server at most its
    /// startup_timeout, so the first message sees them. A server that fails is one line on stderr
    /// and the session goes on without it.
    private func startServers(
        _ configuration: inout Configuration, beside declared: Set<String>, interactive: Bool, paths: StatePaths,
        environment: [String: String], renderer: Renderer
    ) async -> MCPServers? {
        guard !configuration.mcp.servers.isEmpty else { return nil }
        let servers = MCPServers(configuration: configuration.mcp, logDirectory: paths.mcpLogDirectory, environment: environment)
        configuration.tools = ToolRegistry(configuration.tools.tools) { servers.tools(excluding: declared).tools }
        let announce: @Sendable (MCPServer) -> Void = { server in
            if let line = MCPServers.startedLine(server) {
                if line.isError {
                    renderer.error(line.text)
                } else if interactive {
                    renderer.notice(line.text)
                }
            }
            let prefix = "MCP server '\(server.name)'"
            servers.tools(excluding: declared).notices.filter { $0.hasPrefix(prefix) }.forEach { renderer.error($0) }
        }
        if interactive {
            Task { await servers.startAll(started: announce) }
        } else {
            await servers.startAll(started: announce)
        }
        return servers
    }

    /// Piped and one-shot runs cannot ask: calls that need approval are declined unless --yes.
    private func approver(reader: (any LineReader)?, environment: [String: String], renderer: Renderer) -> any ToolApprover {
        if yes || environment["THREADLINE_YES"] == "1" { return ApproveAll() }
        guard let reader else { return DeclineAll(renderer: renderer) }
        return TerminalApprover(reader: reader, renderer: renderer)
    }

    /// The one-shot message from -p or the arguments (`-`: all of stdin); nil for a chat.
    private func oneShotMessage() throws -> String? {
        guard let given = prompt ?? (question.isEmpty ? nil : question.joined(separator: " ")) else { return nil }
        var text = given
        if given == "-" {
            if TerminalInfo.stdinIsTTY {
                Renderer(interactive: false, color: false).notice("reading the message from the terminal; end it with Ctrl-D")
            }
            guard let input = String(validating: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) else {
                throw OneShotError(description: "stdin is not valid UTF-8; nothing sent")
            }
            text = input
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw OneShotError(description: "the message is empty; nothing sent") }
        return text
    }

    private struct OneShotError: Error, CustomStringConvertible {
        var description: String
    }

    /// The thread to continue; nil: a new one, stored with its first message.
    private func openThread(_ backend: any ChatBackend) async throws -> String? {
        if let thread { return try await backend.thread(id: thread).id }
        guard continueLast else { return nil }
        // Said on stderr, so a one-shot's stdout stays the reply alone.
        let stderr = Renderer(interactive: false, color: false)
        guard let recent = try await backend.listThreads(limit: 50).first(where: { $0.title != nil }) else {
            stderr.notice("no thread to continue yet; starting a new one")
            return nil
        }
        let title = Renderer.cut(recent.title ?? "", to: 60)
        stderr.notice("continuing thread \(recent.id) (started \(Renderer.shortDate(recent.createdAt))): \(title)")
        return recent.id
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
