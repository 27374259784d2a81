import Foundation
import MCP
import Synchronization
import SystemPackage
import ThreadlineCore

/// One server of mcp.json for the session: started once at launch, restarted once if it dies,
/// stopped on exit. The MCP client is the SDK's; the process is ours (see `ServerProcess`).
public actor MCPServer {
    /// Where the server is in its life, as `/mcp` shows it.
    public enum State: Sendable, Equatable {
        case disabled
        case starting
        case ready
        case failed(String)
        case stopped

        /// One word or a short phrase for `/mcp` and `/tools`.
        public var description: String {
            switch self {
            case .disabled: "disabled"
            case .starting: "starting"
            case .ready: "ready"
            case .failed: "failed"
            case .stopped: "stopped"
            }
        }
    }

    /// What `/mcp` shows of a server, readable without waiting for the actor.
    public struct Status: Sendable, Equatable {
        public var state: State = .starting
        /// The server's tools the model is offered (after enabled_tools / disabled_tools).
        public var tools: [MCP.Tool] = []
        public var lastError: String?
    }

    public nonisolated let configuration: MCPConfiguration.Server
    private nonisolated let snapshot = Mutex(Status())
    private let logFile: String
    private let parentEnvironment: [String: String]
    private var client: Client?
    private var process: ServerProcess?
    private var restarted = false
    /// Bumped by every start and stop, so that late news from an older process is ignored.
    private var generation = 0

    public init(configuration: MCPConfiguration.Server, logDirectory: String, environment: [String: String]) {
        self.configuration = configuration
        self.logFile = logDirectory + "/\(configuration.name).log"
        self.parentEnvironment = environment
    }

    public nonisolated var name: String { configuration.name }

    /// The current status.
    public nonisolated var status: Status { snapshot.withLock { $0 } }

    /// The server process while one runs.
    var processID: pid_t? { process?.pid }

    /// Starts the server and lists its tools; gives up after `startup_timeout`. Never throws:
    /// a failure is the server's state and last error.
    public func start() async {
        guard configuration.enabled else { return update(.disabled) }
        generation += 1
        let current = generation
        update(.starting)
        let timeout = configuration.startupTimeout
        let watchdog = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.abortStartup(current, "no answer to the handshake within \(timeout.formattedSeconds)")
        }
        defer { watchdog.cancel() }
        do {
            let transport = try makeTransport(generation: current)
            let client = Client(name: "threadline", version: "1")
            self.client = client
            _ = try await client.connect(transport: transport)
            let tools = try await listTools(client)
            guard generation == current, status.state == .starting else { return }
            let offered = tools.filter { configuration.offers($0.name) }
            snapshot.withLock { status in
                status.tools = offered
                status.state = .ready
            }
        } catch {
            guard generation == current, status.state == .starting else { return }
            // A server that exited says more by its exit and last log line than the broken pipe does.
            for _ in 0..<20 where process?.endedStatus == nil { try? await Task.sleep(for: .milliseconds(50)) }
            guard generation == current, status.state == .starting else { return }
            if let ended = process?.endedStatus { return await fail("the server " + ServerProcess.describe(ended) + lastLogLine()) }
            await fail("handshake failed: \(Self.describe(error))")
        }
    }

    /// A stdio server's process is started here, its pipes the transport; an HTTP server is
    /// reached on our own HTTP client (connecting may take the whole startup_timeout).
    private func makeTransport(generation current: Int) throws -> any Transport {
        switch configuration.transport {
        case .stdio(let command, let args, let env, let cwd):
            let process = try ServerProcess(
                command: [command] + args, environment: ChildEnvironment.clean(from: parentEnvironment, adding: env), directory: cwd,
                logFile: logFile
            ) { [weak self] status in
                Task { await self?.processEnded(status, generation: current) }
            }
            self.process = process
            return StdioTransport(input: FileDescriptor(rawValue: process.output), output: FileDescriptor(rawValue: process.input))
        case .http(let url, let headers):
            return StreamableHTTPTransport(url: url, headers: headers, connectTimeout: configuration.startupTimeout)
        }
    }

    /// Stops the server for good (on exit); its process group is ended.
    public func stop() async {
        generation += 1
        update(.stopped)
        await tearDown()
    }

    /// `/mcp restart NAME`: a fresh process, and another automatic restart allowed.
    public func restart() async {
        generation += 1
        await tearDown()
        restarted = false
        snapshot.withLock { $0.lastError = nil }
        await start()
    }

    /// Calls the server's tool `tool`; text content is the output, `isError` a thrown error.
    public func call(_ tool: String, arguments: [String: JSONValue]) async throws -> String {
        guard status.state == .ready, let client else {
            throw ToolError("MCP server '\(name)' is not ready (\(status.lastError ?? status.state.description))")
        }
        let values = try JSONDecoder().decode([String: Value].self, from: JSONEncoder().encode(arguments))
        let context: RequestContext<CallTool.Result> = try await client.callTool(name: tool, arguments: values)
        let result = try await withTaskCancellationHandler {
            do {
                return try await context.value
            } catch let error as MCPError {
                // Mostly "Client disconnected": the server died during the call.
                throw ToolError("MCP server '\(name)': \(Self.describe(error))" + (status.lastError.map { " (\($0))" } ?? ""))
            } catch let error as StreamableHTTPTransport.Failure {
                throw ToolError("MCP server '\(name)': \(error)")
            }
        } onCancel: {
            Task { try? await client.cancelRequest(context.requestID, reason: "cancelled by the user or timed out") }
        }
        let output = MCPContent.output(result.content)
        if result.isError == true { throw ToolError(output.isEmpty ? "the tool reported an error" : output) }
        return output
    }

    private func listTools(_ client: Client) async throws -> [MCP.Tool] {
        var tools: [MCP.Tool] = []
        var cursor: String?
        // A bounded number of pages, in case a server keeps handing out cursors.
        for _ in 0..<100 {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
            if cursor == nil { break }
        }
        return tools
    }

    private func abortStartup(_ generation: Int, _ message: String) async {
        guard generation == self.generation, status.state == .starting else { return }
        await fail(message)
    }

    private func processEnded(_ exitStatus: Int32, generation: Int) async {
        guard generation == self.generation, [.starting, .ready].contains(status.state) else { return }
        let message = "the server " + ServerProcess.describe(exitStatus) + lastLogLine()
        guard status.state == .ready, !restarted else { return await fail(message) }
        restarted = true
        snapshot.withLock { $0.lastError = message + "; restarted" }
        self.generation += 1
        await tearDown()
        await start()
    }

    private func fail(_ message: String) async {
        snapshot.withLock {
            $0.state = .failed(message)
            $0.lastError = message
            $0.tools = []
        }
        await tearDown()
    }

    private func update(_ state: State) {
        snapshot.withLock { $0.state = state }
    }

    private func tearDown() async {
        let (client, process) = (self.client, self.process)
        (self.client, self.process) = (nil, nil)
        await client?.disconnect()
        await process?.stop()
    }

    /// ": <last line of the server's log>", what a crashing server usually says last.
    private func lastLogLine() -> String {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 2048 ? size - 2048 : 0)
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let line = tail.split(whereSeparator: \.isNewline).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { ": " + $0.trimmingCharacters(in: .whitespaces).prefix(200) } ?? ""
    }

    private static func describe(_ error: any Error) -> String {
        // The HTTP transport's broken replies are internal errors whose detail says it all.
        if case .internalError(let detail?) = error as? MCPError { return detail }
        if let error = error as? MCPError { return error.localizedDescription }
        return "\(error)"
    }
}
