import ArgumentParser
import Foundation
import Terminal
import ThreadlineCore
import ThreadlineSettings

/// `threadline threads [list | show ID | delete ID]`.
struct ThreadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "List, show or delete stored threads.",
        discussion: "Without an action, lists the threads, most recently used first.")

    enum Action: String, ExpressibleByArgument {
        case list
        case show
        case delete
    }

    @OptionGroup var backendOptions: BackendOptions

    @Argument(help: "list (default), show or delete.")
    var action: Action = .list

    @Argument(help: "The thread id (show, delete).")
    var id: String?

    func validate() throws {
        if action != .list && id == nil { throw ValidationError("threads \(action.rawValue) needs a thread ID") }
        if action == .list, let id { throw ValidationError("threads list takes no argument (got \(id)) — threads show ID shows one") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = StatePaths(environment: environment)
        let renderer = Renderer.forTerminal(interactive: true, environment: environment, markdown: true)
        do {
            let configuration = try Configuration.load(directory: try backendOptions.configDirectory(paths: paths))
            let backend = try await backendOptions.makeBackend(
                configuration: configuration, paths: paths, environment: environment)
            switch action {
            case .list:
                for thread in try await backend.listThreads(limit: 1000) {
                    print("\(thread.id)\t\(ISO8601DateFormatter().string(from: thread.createdAt))\t\(thread.title ?? "(empty)")")
                }
            case .show:
                let id = id ?? ""
                _ = try await backend.thread(id: id)
                renderer.transcript(try await backend.transcript(threadID: id))
            case .delete:
                try await backend.deleteThread(id: id ?? "")
                print("deleted \(id ?? "")")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            renderer.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
    }
}
