import Foundation
import ThreadlineCore

/// The chat loop: reads lines, runs slash commands, sends everything else as a user message
/// and streams the run through the `RunDriver`.
public final class REPL {
    private let backend: any ChatBackend
    private let driver: RunDriver
    private let reader: any LineReader
    private let renderer: Renderer
    private let history: HistoryFile?
    private let assistantInstructions: String
    private var session: SessionState

    public init(
        backend: any ChatBackend, driver: RunDriver, reader: any LineReader, renderer: Renderer,
        history: HistoryFile?, session: SessionState, assistantInstructions: String
    ) {
        self.backend = backend
        self.driver = driver
        self.reader = reader
        self.renderer = renderer
        self.history = history
        self.session = session
        self.assistantInstructions = assistantInstructions
        history?.entries.forEach(reader.remember)
    }

    /// Runs until end of input or /quit.
    public func run() async {
        if renderer.interactive { await printBanner() }
        while true {
            let prompt = renderer.prompt(overrideActive: session.hasInstructionOverride)
            switch await read(prompt: prompt) {
            case .endOfInput:
                if renderer.interactive { renderer.info("") }
                return
            case .interrupted:
                continue
            case .invalidEncoding(let number):
                renderer.error("input line \(number) is not valid UTF-8; skipped")
            case .line(let raw):
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard !line.isEmpty else { continue }
                record(line)
                if let parsed = SlashCommandParser.parse(line) {
                    switch parsed {
                    case .success(.quit): return
                    case .success(let command): await perform(command)
                    case .failure(let error): renderer.error(error.description)
                    }
                } else {
                    await send(SlashCommandParser.messageText(line))
                }
            }
        }
    }

    /// Reads on a separate thread: libedit blocks, and the async pool is small.
    private func read(prompt: String) async -> LineInput {
        let reader = UncheckedReader(reader: reader)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: reader.reader.readLine(prompt: prompt))
            }
        }
    }

    private func record(_ line: String) {
        guard renderer.interactive else { return }
        reader.remember(line)
        do { try history?.add(line) } catch { renderer.error("\(error)") }
    }

    private func printBanner() async {
        let description = await backend.describe()
        renderer.info("Threadline · backend \(description.name) · \(description.detail)")
        renderer.notice("thread \(session.threadID) · /help for commands · Ctrl-D to quit")
        if session.hasInstructionOverride { showInstructions() }
    }

    // MARK: a turn

    private func send(_ text: String) async {
        let threadID = session.threadID
        do {
            try await backend.appendUserMessage(text, threadID: threadID)
        } catch {
            renderer.error(Renderer.oneLine(error))
            return
        }
        let options = session.takeRunOptions()
        let driver = driver
        let renderer = renderer
        let turn = Task {
            try await driver.runTurn(threadID: threadID, options: options) { renderer.handle($0) }
        }
        let watcher = renderer.interactive ? Self.cancelOnInterrupt(turn) : nil
        let result = await turn.result
        watcher?.cancel()
        switch result {
        case .success(let summary): renderer.finishReply(summary)
        case .failure(let error): renderer.finishReply(nil, error: error)
        }
    }

    /// Polls the Ctrl-C flag while a reply streams and cancels the turn when it is set.
    private static func cancelOnInterrupt(_ turn: Task<TurnSummary, any Error>) -> Task<Void, Never> {
        _ = TerminalInfo.takeInterrupt()
        return Task {
            while !Task.isCancelled {
                if TerminalInfo.takeInterrupt() {
                    turn.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(40))
            }
        }
    }

    // MARK: slash commands

    private func perform(_ command: SlashCommand) async {
        do {
            switch command {
            case .help: renderer.info(SlashCommandParser.helpText)
            case .instructions(let action): changeInstructions(action)
            case .new: try await startNewThread()
            case .threads: try await listThreads()
            case .resume(let id): try await resume(id)
            case .show: await show()
            case .tools: renderer.info(toolsText())
            case .model(let name): await changeModel(name)
            case .history: try await showHistory()
            case .quit: break
            }
        } catch {
            renderer.error(Renderer.oneLine(error))
        }
    }

    private func changeInstructions(_ action: InstructionsAction) {
        switch action {
        case .show: break
        case .clear: session.clearInstructions()
        case .sticky(let text): session.stickyInstructions = text
        case .once(let text): session.onceInstructions = text
        case .add(let text): session.additionalInstructions = text
        }
        showInstructions()
    }

    private func showInstructions() {
        var lines: [String] = []
        if let once = session.onceInstructions { lines.append("instructions for the next run only: \(once)") }
        if let sticky = session.stickyInstructions { lines.append("instructions (sticky): \(sticky)") }
        if let added = session.additionalInstructions { lines.append("additional instructions: \(added)") }
        if lines.isEmpty { lines.append("assistant's instructions (no override): \(assistantInstructions)") }
        lines.forEach(renderer.notice)
    }

    private func startNewThread() async throws {
        let thread = try await backend.createThread()
        session.threadID = thread.id
        var message = "new thread \(thread.id)"
        if let sticky = session.stickyInstructions { message += "; sticky instructions kept: \(sticky)" }
        renderer.notice(message)
    }

    private func listThreads() async throws {
        let threads = try await backend.listThreads(limit: 20)
        guard !threads.isEmpty else { return renderer.info("no threads yet") }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        for thread in threads {
            let marker = thread.id == session.threadID ? "*" : " "
            let title = Renderer.truncated(thread.title ?? "(empty)", to: 60)
            renderer.info("\(marker) \(thread.id)  \(formatter.string(from: thread.createdAt))  \(title)")
        }
    }

    private func resume(_ id: String) async throws {
        let thread = try await backend.thread(id: id)
        session.threadID = thread.id
        renderer.notice("resumed thread \(thread.id)" + (thread.title.map { ": \($0)" } ?? ""))
    }

    private func show() async {
        let description = await backend.describe()
        renderer.info("backend:  \(description.name) (\(description.detail))")
        renderer.info("model:    \(session.model ?? description.model)")
        renderer.info("thread:   \(session.threadID)")
        showInstructions()
        renderer.info("tools:    \(driver.toolRunner.registry.names.joined(separator: ", "))")
    }

    private func toolsText() -> String {
        let tools = driver.toolRunner.registry.tools
        guard !tools.isEmpty else { return "no tools configured" }
        let width = tools.map(\.name.count).max() ?? 0
        let providerWidth = tools.map(\.provider.count).max() ?? 0
        return tools.map { tool in
            tool.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + tool.provider.padding(toLength: providerWidth + 2, withPad: " ", startingAt: 0)
                + (tool.unavailableReason.map { "not ready: \($0)" } ?? "ready")
        }
        .joined(separator: "\n")
    }

    private func changeModel(_ name: String?) async {
        guard let name else {
            let description = await backend.describe()
            return renderer.info("model: \(session.model ?? description.model)")
        }
        session.model = name
        await backend.setModel(name)
        renderer.notice("model for following runs: \(name)")
    }

    private func showHistory() async throws {
        let entries = try await backend.transcript(threadID: session.threadID)
        guard !entries.isEmpty else { return renderer.info("this thread is empty") }
        renderer.transcript(entries)
    }
}

/// Hands the reader to the input thread; only one read runs at a time.
private struct UncheckedReader: @unchecked Sendable {
    let reader: any LineReader
}
