import Foundation
import ThreadlineCore

/// The slash commands of the REPL.
extension REPL {
    func perform(_ command: SlashCommand) async {
        do {
            switch command {
            case .help: renderer.info(SlashCommandParser.helpText(width: renderer.width))
            case .instructions(let action): changeInstructions(action)
            case .new: startNewThread()
            case .threads: try await listThreads()
            case .resume(let id): try await resume(id)
            case .show: await show()
            case .tools: renderer.info(toolsText())
            case .mcp(let name): await mcp(restart: name)
            case .model(let name): await changeModel(name)
            case .history: try await showHistory()
            case .edit(let text): await composeInEditor(prefill: try await lastUserMessage(orGiven: text))
            case .retry: try await retry()
            case .save(let path, let force): try await save(to: path, force: force)
            case .render(let markdown): changeRendering(markdown: markdown)
            case .copy(let target): try await copy(target)
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
        case .once(let text, let replace): session.setOnceInstructions(text, replacing: replace)
        case .add(let text): session.additionalInstructions = text
        }
        showInstructions()
    }

    /// What the next run gets, from the same state the run reads, each part labelled with how long it lasts.
    func showInstructions() {
        var lines: [String] = []
        let once = session.onceInstructions
        if let once, session.onceReplaces { lines.append("next run only, instead of the instructions below: \(once)") }
        if let sticky = session.stickyInstructions {
            lines.append("instructions (sticky): \(sticky)")
        } else {
            lines.append("assistant's instructions (no override): \(assistantInstructions)")
        }
        if let added = session.additionalInstructions { lines.append("additional instructions: \(added)") }
        if let once, !session.onceReplaces { lines.append("added for the next run only: \(once)") }
        lines.forEach(renderer.notice)
    }

    private func startNewThread() {
        session.threadID = nil
        var message = threadLabel
        if let sticky = session.stickyInstructions { message += "; sticky instructions kept: \(sticky)" }
        renderer.notice(message)
    }

    /// How many threads `/threads` lists, numbered for `/resume N`.
    static let listedThreads = 20

    private func listThreads() async throws {
        let threads = try await backend.listThreads(limit: Self.listedThreads)
        guard !threads.isEmpty else { return renderer.info("no threads yet") }
        Renderer.threadRows(threads, current: session.threadID).forEach { renderer.info(renderer.oneRow($0)) }
        renderer.notice("/resume N or /resume ID-PREFIX continues one")
    }

    /// Tab after `/resume ` offers the numbers and ids `/threads` lists.
    func offerThreadsToResume() async {
        guard let threads = try? await backend.listThreads(limit: Self.listedThreads) else { return }
        reader.complete(argumentsOf: "/resume ", with: threads.indices.map { String($0 + 1) } + threads.map(\.id))
    }

    private func resume(_ reference: String?) async throws {
        guard let reference else { return try await listThreads() }
        let thread = try await backend.thread(id: try await threadID(for: reference))
        session.threadID = thread.id
        renderer.notice("resumed thread \(thread.id)" + (thread.title.map { ": \($0)" } ?? ""))
    }

    /// The id of the thread numbered `reference` in `/threads`, or of the one whose id starts with it.
    /// Anything else is taken as a whole id, which the backend knows or refuses.
    private func threadID(for reference: String) async throws -> String {
        let threads = try await backend.listThreads(limit: 1000)
        if let number = Int(reference) {
            guard number >= 1, number <= threads.count else {
                throw ResumeError(description: "there is no thread \(number) — /threads lists them with their numbers")
            }
            return threads[number - 1].id
        }
        let matches = threads.filter { $0.id.hasPrefix(reference) }
        guard matches.count <= 1 else {
            throw ResumeError(
                description: "\(reference) starts \(matches.count) thread ids — type more of the id, or use its number from /threads")
        }
        return matches.first?.id ?? reference
    }

    private func show() async {
        let description = await backend.describe()
        renderer.info("backend:  \(description.name) (\(description.detail))")
        renderer.info("model:    \(description.model)")
        renderer.info("thread:   \(session.threadID ?? "new (stored with its first message)")")
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

    private func mcp(restart name: String?) async {
        guard let servers, !servers.statusLines.isEmpty else {
            return renderer.info("no MCP servers configured (mcp.json beside tools.json)")
        }
        if let name {
            do {
                try await servers.restart(name)
            } catch {
                return renderer.error("\(error)")
            }
        }
        renderer.info(servers.statusLines.joined(separator: "\n"))
    }

    private func changeModel(_ name: String?) async {
        guard let name else {
            return renderer.info("model: \(await backend.describe().model)")
        }
        session.model = name
        await backend.setModel(name)
        renderer.notice("model for following runs: \(name)")
    }

    private func showHistory() async throws {
        let entries = try await transcript()
        guard !entries.isEmpty else { return renderer.info("this thread is empty") }
        renderer.transcript(entries)
    }

    private func lastUserMessage() async throws -> String? {
        try await transcript().last { $0.kind == .user }?.text
    }

    private func lastUserMessage(orGiven text: String?) async throws -> String {
        if let text { return text }
        return try await lastUserMessage() ?? ""
    }

    /// Runs the thread's last user message again without appending it a second time.
    private func retry() async throws {
        guard let last = try await lastUserMessage() else {
            return renderer.error("nothing to retry: this thread has no message yet")
        }
        renderer.notice("retrying: \(Renderer.cut(last, to: 60)) (the previous reply stays, marked superseded)")
        await runTurn()
    }

    private func save(to path: String?, force: Bool) async throws {
        let entries = try await transcript()
        guard let threadID = session.threadID, !entries.isEmpty else { return renderer.info("this thread is empty; nothing saved") }
        let target = path.map { ($0 as NSString).expandingTildeInPath } ?? "threadline-\(threadID).md"
        try TranscriptExport.write(entries, threadID: threadID, to: target, force: force)
        renderer.notice("saved \(entries.count) entries to \(target)")
    }

    /// `/edit` and Ctrl-X Ctrl-E: what is saved in the editor is sent; an empty file cancels.
    func composeInEditor(prefill: String) async {
        guard renderer.interactive else {
            return renderer.error("/edit needs a terminal; in piped mode each input line is a message")
        }
        do {
            let editor = ExternalEditor(environment: ProcessInfo.processInfo.environment)
            signals?.begin(.editor)
            let edited = Result { try editor.edit(prefill) }
            // A termination signal while the editor ran exits here; nothing is sent.
            signals?.end()
            guard let text = try edited.get() else { return renderer.notice("empty or unsaved file: nothing sent") }
            renderer.info(
                text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    .map { ($0.offset == 0 ? "> " : "... ") + $0.element }.joined(separator: "\n"))
            record(text)
            await send(text)
        } catch {
            renderer.error(Renderer.oneLine(error))
        }
    }
}

/// `/resume` named no thread it could pick.
struct ResumeError: Error, CustomStringConvertible {
    var description: String
}
