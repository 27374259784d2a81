import ArgumentParser
import Backends
import Foundation
import HTTPSupport
import ThreadlineCore
import ThreadlineSettings

/// The backends of the CLI contract.
enum BackendKind: String, ExpressibleByArgument, CaseIterable {
    case demo
    case chat
    case assistants
    case responses
}

/// Options shared by every command that talks to a backend.
struct BackendOptions: ParsableArguments {
    @Option(help: "demo (offline, default), chat, assistants or responses. Env: THREADLINE_BACKEND.")
    var backend: BackendKind?

    @Option(help: "Base URL of the server (chat, assistants, responses). Env: OPENAI_BASE_URL.")
    var baseURL: String?

    @Option(help: "Model for following runs (default: the assistant's).")
    var model: String?

    @Option(help: "Assistant id on an assistants server (default: created from assistant.json once, then reused).")
    var assistant: String?

    @OptionGroup var http: HTTPOptions

    @Option(
        help: """
            Keep the threads (demo and chat backends) in this PostgreSQL database instead of the SQLite file: \
            postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-ca|verify-full]. \
            Env: THREADLINE_DATABASE_URL.
            """)
    var database: String?

    @Option(
        help:
            "Directory with assistant.json and tools.json (default: $THREADLINE_HOME/config or $XDG_CONFIG_HOME/threadline, else built-in)."
    )
    var config: String?

    @Option(help: "Use the assistant defined in this JSON file (as assistant.json: instructions, model, tools) instead.")
    var assistantConfig: String?

    @Flag(
        help: "A general assistant: no weather instructions, no demo tools (tools.json command tools and mcp.json still apply).")
    var plain = false

    func validate() throws {
        if plain && assistantConfig != nil { throw ValidationError("--plain and --assistant-config exclude each other") }
    }

    /// The configuration in use: the config directory's files, with the assistant chosen by
    /// --plain or --assistant-config.
    func loadConfiguration(paths: StatePaths) throws -> Configuration {
        let choice: Configuration.AssistantChoice =
            plain ? .plain : assistantConfig.map { .file(($0 as NSString).expandingTildeInPath) } ?? .configured
        return try Configuration.load(directory: try configDirectory(paths: paths), assistant: choice)
    }

    /// The backend to use: the flag, else THREADLINE_BACKEND, else demo.
    func resolvedKind(environment: [String: String]) throws -> BackendKind {
        if let backend { return backend }
        guard let name = environment["THREADLINE_BACKEND"], !name.isEmpty else { return .demo }
        guard let kind = BackendKind(rawValue: name) else {
            throw ValidationError(
                "THREADLINE_BACKEND=\(name) is not a backend (use \(BackendKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }

    /// The config directory: --config, else the state-paths one when it exists, else built-in.
    func configDirectory(paths: StatePaths) throws -> String? {
        do {
            return try paths.resolvedConfigDirectory(flag: config)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// THREADLINE_DEMO_DELAY_MS slows the demo's streaming (for demos and terminal tests).
    static func demoDelay(_ environment: [String: String]) -> Duration {
        milliseconds("THREADLINE_DEMO_DELAY_MS", environment) ?? DemoModel.defaultDeltaDelay
    }

    /// THREADLINE_BUSY_WAIT_MS: how long a line waits for another process's run on its thread
    /// (default 30 s).
    static func busyWait(_ environment: [String: String]) -> Duration {
        milliseconds("THREADLINE_BUSY_WAIT_MS", environment) ?? .seconds(30)
    }

    private static func milliseconds(_ variable: String, _ environment: [String: String]) -> Duration? {
        guard let text = environment[variable], let milliseconds = Int(text), milliseconds >= 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    /// The database of the local engine's threads: `flag` (--database), else
    /// THREADLINE_DATABASE_URL, else the SQLite file of `paths`.
    static func threadDatabase(flag: String?, environment: [String: String], paths: StatePaths) throws -> ThreadDatabase {
        do {
            return try ThreadDatabase.resolve(url: flag ?? environment["THREADLINE_DATABASE_URL"], sqlitePath: paths.databaseFile)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Where `--backend responses` goes without --base-url or OPENAI_BASE_URL.
    static let openAIBaseURL = "https://api.openai.com/v1"

    /// Opens the backend with its thread store.
    func makeBackend(
        configuration: Configuration, paths: StatePaths, environment: [String: String]
    ) async throws -> any ChatBackend {
        let kind = try resolvedKind(environment: environment)
        let database = try Self.threadDatabase(flag: database, environment: environment, paths: paths)
        switch kind {
        case .demo:
            let engine = LocalEngine(store: try await database.open(), model: DemoModel(deltaDelay: Self.demoDelay(environment)))
            let backend = try await LocalBackend(
                name: "demo", engine: engine, definition: configuration.assistant, busyWait: Self.busyWait(environment))
            if let model { await backend.setModel(model) }
            return backend
        case .chat:
            guard let baseURL = try HTTPOptions.baseURL(flag: baseURL, environment: environment) else {
                throw ValidationError(
                    "--backend chat needs --base-url URL (or OPENAI_BASE_URL), e.g. http://localhost:11434/v1 for Ollama")
            }
            let model = ChatCompletionsModel(settings: http.settings(baseURL: baseURL, environment: environment))
            let engine = LocalEngine(store: try await database.open(), model: model)
            let backend = try await LocalBackend(
                name: "chat", engine: engine, definition: configuration.assistant, busyWait: Self.busyWait(environment))
            if let model = self.model { await backend.setModel(model) }
            return backend
        case .assistants:
            guard let baseURL = try HTTPOptions.baseURL(flag: baseURL, environment: environment) else {
                throw ValidationError("--backend assistants needs --base-url URL (or OPENAI_BASE_URL)")
            }
            let backend = try await AssistantsHTTPBackend(
                settings: http.settings(baseURL: baseURL, environment: environment), statePath: paths.databaseFile,
                definition: configuration.assistant, assistantID: assistant)
            if let model { await backend.setModel(model) }
            return backend
        case .responses:
            let baseURL = try HTTPOptions.baseURL(flag: baseURL, environment: environment) ?? Self.openAIBaseURL
            let settings = http.settings(baseURL: baseURL, environment: environment)
            if settings.apiKey == nil, URL(string: baseURL)?.host == URL(string: Self.openAIBaseURL)?.host {
                throw ValidationError("--backend responses on \(baseURL) needs OPENAI_API_KEY")
            }
            let backend = try ResponsesBackend(settings: settings, statePath: paths.databaseFile, definition: configuration.assistant)
            if let model { await backend.setModel(model) }
            return backend
        }
    }
}
