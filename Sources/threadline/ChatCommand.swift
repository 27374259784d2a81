import ArgumentParser
import Foundation
import Terminal
import ThreadlineCore
import ThreadlineSettings

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

    @Option(name: [.customShort("p"), .customLong("prompt")], help: "Send this one message, print the reply, exit (- reads stdin).")
    var prompt: String?

    @Argument(help: "A question to send one-shot, as with -p (- reads stdin).")
    var question: [String] = []

    func validate() throws {
        if thread != nil && continueLast { throw ValidationError("--thread and --continue exclude each other") }
        if prompt != nil && !question.isEmpty { throw ValidationError("give the question either with -p or as arguments, not both") }
        guard toolTimeout > 0, toolTimeout.isFinite else { throw ValidationError("--tool-timeout must be positive") }
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
        do {
            let configuration = try Configuration.load(directory: try backendOptions.configDirectory(paths: paths))
            let backend = try await backendOptions.makeBackend(
                configuration: configuration, paths: paths, environment: environment)
            let threadID = try await openThread(backend)
            var session = SessionState(threadID: threadID, stickyInstructions: instructions)
            session.model = backendOptions.model
            let history = try openHistory(interactive: interactive, paths: paths, renderer: renderer)
            let reader = makeReader(interactive: interactive)
            // Piped input keeps the default signals: Ctrl-C ends the process.
            let interrupts = interactive || oneShot != nil ? Interrupts.install() : nil
            let driver = RunDriver(
                backend: backend,
                toolRunner: ToolRunner(registry: configuration.tools, timeout: .milliseconds(Int(toolTimeout * 1000))))
            repl = REPL(
                backend: backend, driver: driver, reader: reader, renderer: renderer, history: history,
                session: session, assistantInstructions: configuration.assistant.instructions ?? "", interrupts: interrupts)
        } catch let error as ValidationError {
            throw error
        } catch {
            renderer.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
        guard let oneShot else {
            // A line that could not be sent makes piped input end non-zero, after the rest ran.
            guard await repl.run() || interactive else { throw ExitCode.failure }
            return
        }
        // Ctrl-C cancels the run (on the server too) and keeps the partial reply, instead of
        // killing the process mid-stream.
        guard await repl.sendOnce(oneShot) else { throw ExitCode.failure }
    }

    /// The one-shot message from -p or the arguments (`-`: all of stdin); nil for a chat.
    private func oneShotMessage() throws -> String? {
        guard let given = prompt ?? (question.isEmpty ? nil : question.joined(separator: " ")) else { return nil }
        var text = given
        if given == "-" {
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
