import ArgumentParser
import Backends
import Foundation
import Server
import Terminal
import ThreadlineCore
import ThreadlineSettings
import Tools

/// `threadline serve`: the local engine as an Assistants v2 server, for the SDKs and for
/// `threadline --backend assistants`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Assistants v2 API (the seed notebook's protocol) from the local engine.",
        discussion: """
            Point openai-python at it with OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="…"). \
            Threads, messages and runs are kept in the same SQLite store as the REPL's, or with \
            --database postgres://… in a PostgreSQL database that several serve instances share. Listens on \
            loopback unless --host says otherwise, which then needs --api-key. SIGINT or SIGTERM \
            stops it after the requests in flight.
            """)

    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case demo
        case chat
    }

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the address is printed on stderr).")
    var port = 8080

    @Option(help: "Model behind the engine: demo (offline) or chat (a Chat Completions endpoint).")
    var backend: Backend = .demo

    @Option(help: "Base URL of the Chat Completions endpoint (--backend chat). Env: OPENAI_BASE_URL.")
    var baseURL: String?

    @Option(help: "Model name for --backend chat; every run uses it, whatever model the client's assistant names.")
    var model: String?

    @OptionGroup var http: HTTPOptions

    @Option(help: "Require 'Authorization: Bearer KEY' on every request. Env: THREADLINE_SERVE_KEY.")
    var apiKey: String?

    @Option(help: "Seconds a run waits for tool outputs before it expires.")
    var runExpiry = 600

    @Option(help: "Largest request body accepted, in bytes.")
    var maxBodyBytes = 4 << 20

    @Option(
        help:
            "Directory whose mcp.json names MCP servers whose tools the chat model gets, run by the server (default: $THREADLINE_HOME/config or $XDG_CONFIG_HOME/threadline)."
    )
    var config: String?

    @Flag(help: "Run MCP tool calls that would ask for approval (serve cannot ask: they are declined otherwise). Env: THREADLINE_YES=1.")
    var yes = false

    @Option(help: "Seconds each MCP tool call may take before it becomes an error output.")
    var toolTimeout: Double = 30

    @Option(
        help: """
            Keep the threads in this PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=…]) \
            instead of the SQLite file; instances on one database share threads and runs. Env: THREADLINE_DATABASE_URL.
            """)
    var database: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = ServeSettings(
            host: host, port: port, apiKey: apiKey ?? environment["THREADLINE_SERVE_KEY"],
            maxBodyBytes: maxBodyBytes, runExpirySeconds: runExpiry)
        if let problem = settings.problem { throw ValidationError(problem) }
        guard let timeout = Duration.setting(seconds: toolTimeout) else { throw ValidationError(Duration.settingProblem("--tool-timeout")) }
        let paths = StatePaths(environment: environment)
        let stderr = Renderer(interactive: false, color: false)
        let database = try BackendOptions.threadDatabase(flag: database, environment: environment, paths: paths)
        let engine: LocalEngine
        var servers: MCPServers?
        do {
            var model = try makeModel(environment)
            if backend == .chat {
                (model, servers) = try await withMCPTools(model, paths: paths, environment: environment, timeout: timeout, stderr: stderr)
            }
            engine = LocalEngine(store: try await database.open(), model: model, expirySeconds: runExpiry, sharesWaitingRuns: true)
            // Runs a killed `serve` (or REPL) left behind end as failed instead of locking their threads.
            try await engine.endOrphanedRuns()
        } catch let error as ValidationError {
            await servers?.stopAll()
            throw error
        } catch {
            await servers?.stopAll()
            stderr.error(Renderer.oneLine(error))
            throw ExitCode.failure
        }
        // Runs whose instance stopped (kill -9, a lost machine) end as failed within the lease
        // time, also on threads nobody touches; on one database every instance looks.
        let sweep = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(RunTiming.standard.heartbeatMillis))
                _ = try? await engine.endOrphanedRuns()
            }
        }
        defer { sweep.cancel() }
        let server = AssistantsServer(engine: engine, settings: settings)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let auth = settings.apiKey == nil ? "no key required" : "Bearer key required"
        do {
            try await server.run { boundPort in
                FileHandle.standardError.write(
                    Data(
                        "threadline serve: Assistants v2 API on http://\(shownHost):\(boundPort)/v1 (\(engine.modelName); \(auth))\n"
                            .utf8))
            }
        } catch {
            await servers?.stopAll()
            throw error
        }
        await servers?.stopAll()
    }

    /// The chat model with the tools of mcp.json's servers, run here: serve cannot ask, so calls
    /// needing approval are declined (with a notice on stderr) unless --yes, as in piped runs.
    private func withMCPTools(
        _ model: any LanguageModel, paths: StatePaths, environment: [String: String], timeout: Duration, stderr: Renderer
    ) async throws -> (any LanguageModel, MCPServers?) {
        let directory: String?
        do {
            directory = try paths.resolvedConfigDirectory(flag: config)
        } catch {
            throw ValidationError(error.description)
        }
        let configuration = try Configuration.load(directory: directory).mcp
        guard !configuration.servers.isEmpty else { return (model, nil) }
        let servers = MCPServers(configuration: configuration, logDirectory: paths.mcpLogDirectory, environment: environment)
        await servers.startAll()
        let (tools, notices) = servers.tools(excluding: [])
        (servers.failures + notices).forEach { stderr.error($0) }
        let approver: any ToolApprover = yes || environment["THREADLINE_YES"] == "1" ? ApproveAll() : DeclineAll(renderer: stderr)
        let wrapped = InProcessToolsModel(
            base: model, definitions: tools.map(\.definition), runner: ToolRunner(registry: ToolRegistry(tools), timeout: timeout),
            approver: approver)
        return (wrapped, servers)
    }

    private func makeModel(_ environment: [String: String]) throws -> any LanguageModel {
        switch backend {
        case .demo:
            return DemoModel(deltaDelay: BackendOptions.demoDelay(environment))
        case .chat:
            guard let baseURL = try HTTPOptions.baseURL(flag: baseURL, environment: environment) else {
                throw ValidationError("serve --backend chat needs --base-url URL (or OPENAI_BASE_URL), e.g. http://localhost:11434/v1")
            }
            return ChatCompletionsModel(settings: http.settings(baseURL: baseURL, environment: environment), model: model)
        }
    }
}
