import Foundation
import ThreadlineCore

/// The chat loop: reads input (one line, a `"""` block, Ctrl-J continued lines, a paste), runs
/// slash commands, sends everything else as a user message and streams the run through the
/// `RunDriver`.
public final class REPL {
    let backend: any ChatBackend
    let driver: RunDriver
    let reader: any LineReader
    let renderer: Renderer
    let history: HistoryFile?
    let assistantInstructions: String
    var session: SessionState
    /// Where signals go; nil when none are trapped (piped input, where Ctrl-C ends the process).
    let signals: SignalRouter?
    /// The MCP servers behind some of the tools, for `/mcp`; nil without mcp.json.
    let servers: (any ToolServers)?
    private var input = MultilineInput()
    /// False once a message could not be added to the thread.
    private var allSent = true

    /// With `interrupts`, Ctrl-C cancels a streaming reply and keeps its partial text, and
    /// SIGTERM, SIGHUP and SIGQUIT do the same, restore the terminal and exit with 128 + signal.
    public init(
        backend: any ChatBackend, driver: RunDriver, reader: any LineReader, renderer: Renderer,
        history: HistoryFile?, session: SessionState, assistantInstructions: String, interrupts: Interrupts?,
        servers: (any ToolServers)? = nil
    ) {
        self.servers = servers
        self.backend = backend
        self.driver = driver
        self.reader = reader
        self.renderer = renderer
        self.history = history
        self.session = session
        self.assistantInstructions = assistantInstructions
        signals = interrupts.map { interrupts in
            SignalRouter(interrupts: interrupts) { signal, midLine in
                if midLine && renderer.interactive { renderer.info("") }
                Interrupts.exit(bySignal: signal)
            }
        }
        history?.entries.forEach(reader.remember)
    }

    /// Runs until end of input or /quit; false when a message could not be sent (the thread was
    /// busy, the backend refused it), so piped input exits non-zero after going on.
    @discardableResult
    public func run() async -> Bool {
        if renderer.interactive { await printBanner() }
        while true {
            if renderer.interactive { await offerThreadsToResume() }
            let prompt = renderer.prompt(overrideActive: session.hasInstructionOverride, continuing: input.isOpen)
            let step: MultilineInput.Step
            switch await read(prompt: prompt) {
            case .endOfInput:
                // An unfinished block is sent, not lost.
                if let open = input.flush() { _ = await submit(open, literal: true) }
                if renderer.interactive { renderer.info("") }
                return allSent
            case .interrupted:
                input.reset()
                continue
            case .invalidEncoding(let number):
                renderer.error("input line \(number) is not valid UTF-8; skipped")
                continue
            case .line(let raw): step = input.add(raw)
            case .continued(let raw): step = input.add(raw, continued: true)
            case .edit(let raw):
                _ = input.add(raw, continued: true)
                await composeInEditor(prefill: input.flush() ?? "")
                continue
            }
            guard case .complete(let text, let literal) = step, !text.isEmpty else { continue }
            guard await submit(text, literal: literal) else { return allSent }
        }
    }

    /// One-shot mode: sends `text` as one message, streams the reply; true when the run completed.
    public func sendOnce(_ text: String) async -> Bool {
        await send(text)
    }

    /// Runs a slash command or sends a message; false after /quit.
    private func submit(_ text: String, literal: Bool) async -> Bool {
        record(text)
        guard !literal, let parsed = SlashCommandParser.parse(text) else {
            await send(literal ? text : SlashCommandParser.messageText(text))
            return true
        }
        switch parsed {
        case .success(.quit): return false
        case .success(let command): await perform(command)
        case .failure(let error): renderer.error(error.description)
        }
        return true
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

    func record(_ line: String) {
        guard renderer.interactive else { return }
        reader.remember(line)
        do { try history?.add(line) } catch { renderer.error("\(error)") }
    }

    private func printBanner() async {
        let description = await backend.describe()
        let tools = driver.toolRunner.registry.names.count
        renderer.info(
            "Threadline · backend \(description.name) · model \(description.model) · \(tools) tool\(tools == 1 ? "" : "s") · \(description.detail)"
        )
        renderer.notice("\(threadLabel) · /help for commands · Ctrl-D to quit")
        if session.hasInstructionOverride { showInstructions() }
    }

    // MARK: a turn

    /// The current thread, or that a new one starts with the next message.
    var threadLabel: String {
        session.threadID.map { "thread \($0)" } ?? "new thread (stored with its first message)"
    }

    /// The current thread's conversation; empty for a thread not stored yet.
    func transcript() async throws -> [TranscriptEntry] {
        guard let threadID = session.threadID else { return [] }
        return try await backend.transcript(threadID: threadID)
    }

    /// The current thread's id, storing the thread now when this is its first message.
    private func storedThread() async throws -> String {
        if let threadID = session.threadID { return threadID }
        let threadID = try await backend.createThread().id
        session.threadID = threadID
        return threadID
    }

    /// Appends the message (storing a new thread first) and runs a turn; true when the run completed.
    @discardableResult
    func send(_ text: String) async -> Bool {
        do {
            try await backend.appendUserMessage(text, threadID: try await storedThread())
        } catch {
            renderer.error(Renderer.oneLine(error))
            allSent = false
            return false
        }
        return await runTurn()
    }

    /// Streams one run on the current thread (after a new message, or again for /retry).
    @discardableResult
    func runTurn() async -> Bool {
        guard let threadID = session.threadID else { return false }
        let options = session.takeRunOptions()
        let driver = driver
        let renderer = renderer
        let start = ContinuousClock.now
        let cancelWait = CancelWait()
        let turn = Task {
            try await driver.runTurn(threadID: threadID, options: options, cancelWait: cancelWait) { renderer.handle($0) }
        }
        // Keys typed while the reply streams wait unseen (only a signalled session has a terminal to hold).
        if signals != nil { TerminalInfo.holdTypeAhead() }
        signals?.begin(.turn(turn, cancelWait))
        // After the status line: a termination signal during the turn exits here.
        defer { signals?.end() }
        let result = await turn.result
        let elapsed = ContinuousClock.now - start
        let completed: Bool
        switch result {
        case .success(let summary):
            renderer.finishReply(summary, elapsed: elapsed)
            if summary.cancelAbandoned {
                renderer.notice("stopped waiting for the server to cancel the run; it may go on there until it expires")
            }
            completed = summary.outcome == .completed
        case .failure(let error):
            // The run could not start beside another process's: the line was not answered.
            if case .threadBusy? = error as? BackendError { allSent = false }
            renderer.finishReply(nil, error: error, elapsed: elapsed)
            completed = false
        }
        if signals != nil { keepTypeAhead(cancelled: turn.isCancelled) }
        return completed
    }

    /// What was typed during the reply waits at the next prompt, ready to send; after Ctrl-C it
    /// is dropped, and said so. A one-shot leaves it to the shell.
    private func keepTypeAhead(cancelled: Bool) {
        let typed = TerminalInfo.releaseTypeAhead(take: renderer.interactive)
        guard !typed.isEmpty else { return }
        guard !cancelled else { return renderer.notice("dropped what you typed during the reply: \(typed)") }
        reader.prefill(typed)
    }
}

/// Hands the reader to the input thread; only one read runs at a time.
private struct UncheckedReader: @unchecked Sendable {
    let reader: any LineReader
}
