import ArgumentParser
import Foundation
import Terminal
import ThreadlineCore
import ThreadlineSettings

/// `threadline threads [list | show ID | delete ID | prune]`.
struct ThreadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "List, show or delete stored threads; prune deletes the old empty ones.",
        discussion: "Without an action, lists the threads, most recently used first.")

    enum Action: String, ExpressibleByArgument {
        case list
        case show
        case delete
        case prune
    }

    @OptionGroup var backendOptions: BackendOptions

    @Argument(help: "list (default), show, delete or prune.")
    var action: Action = .list

    @Argument(help: "The thread id (show, delete).")
    var id: String?

    @Option(help: "prune: delete threads without messages started at least this many minutes ago.")
    var olderThan = 60

    func validate() throws {
        let needsID = action == .show || action == .delete
        if needsID && id == nil { throw ValidationError("threads \(action.rawValue) needs a thread ID") }
        if !needsID, let id {
            throw ValidationError("threads \(action.rawValue) takes no argument (got \(id)) — threads show ID shows one")
        }
        if olderThan < 0 { throw ValidationError("--older-than must be 0 or more minutes") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = StatePaths(environment: environment)
        let renderer = Renderer.forTerminal(interactive: true, environment: environment, markdown: true)
        do {
            let configuration = try backendOptions.loadConfiguration(paths: paths)
            let backend = try await backendOptions.makeBackend(
                configuration: configuration, paths: paths, environment: environment)
            switch action {
            case .list:
                // As /threads lists them; titles are stored user text, sanitised as every listing for people is.
                for row in Renderer.threadRows(try await backend.listThreads(limit: 1000)) {
                    print(renderer.oneRow(TerminalText.sanitized(row)))
                }
            case .show:
                let id = id ?? ""
                _ = try await backend.thread(id: id)
                renderer.transcript(try await backend.transcript(threadID: id))
            case .delete:
                try await backend.deleteThread(id: id ?? "")
                print("deleted \(id ?? "")")
            case .prune:
                let cutoff = Date().addingTimeInterval(-Double(olderThan) * 60)
                let empty = try await backend.listThreads(limit: 100_000).filter { $0.title == nil && $0.createdAt <= cutoff }
                for thread in empty { try await backend.deleteThread(id: thread.id) }
                print("deleted \(empty.count) empty thread\(empty.count == 1 ? "" : "s")")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            renderer.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
    }
}
