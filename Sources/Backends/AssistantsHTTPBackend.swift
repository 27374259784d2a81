import AssistantsWire
import Foundation
import HTTPSupport
import NIOHTTP1
import ThreadlineCore

/// `ChatBackend` for any server speaking the Assistants v2 HTTP API (the seed's protocol),
/// driven as openai-python does. Thread ids are remembered locally per base URL, so
/// `/threads`, `/resume` and `--continue` work as with the local engine.
public actor AssistantsHTTPBackend: ChatBackend {
    private let api: APIClient
    private let threads: RemoteThreads
    private let assistant: Assistant
    private var model: String?
    private var joiningTools: JoiningTools?
    private let translator = AssistantsEventTranslator()

    private var baseURL: String { api.settings.baseURL }

    /// Connects: uses `assistantID` when given, else the assistant this base URL already got
    /// for `definition`, else creates it from `definition` and remembers its id.
    public init(
        settings: HTTPSettings, statePath: String, definition: AssistantParameters, assistantID: String?
    ) async throws {
        var settings = settings
        settings.extraHeaders["OpenAI-Beta"] = "assistants=v2"
        let api = APIClient(settings: settings)
        let store = try RemoteBookkeeping(path: statePath)
        self.api = api
        threads = RemoteThreads(api: api, store: store, storeKey: settings.baseURL, collection: "/threads")
        self.assistant = try await Self.resolveAssistant(api: api, store: store, definition: definition, id: assistantID)
    }

    private static func resolveAssistant(
        api: APIClient, store: RemoteBookkeeping, definition: AssistantParameters, id: String?
    ) async throws -> Assistant {
        if let id {
            return try await api.json(.GET, "/assistants/\(id)", as: Assistant.self)
        }
        // Sorted keys: dictionary order differs between processes.
        let encoder = WireCoding.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        let fingerprint = String(decoding: try encoder.encode(definition), as: UTF8.self)
        if let remembered = try store.assistant(baseURL: api.settings.baseURL, fingerprint: fingerprint) {
            do {
                return try await api.json(.GET, "/assistants/\(remembered)", as: Assistant.self)
            } catch HTTPError.api(status: 404, _) {
                // Gone from the server: create it again below.
            }
        }
        let created = try await api.json(.POST, "/assistants", body: definition, as: Assistant.self)
        try store.rememberAssistant(baseURL: api.settings.baseURL, fingerprint: fingerprint, id: created.id)
        return created
    }

    public func describe() async -> BackendDescription {
        BackendDescription(name: "assistants", model: model ?? assistant.model, detail: "\(baseURL), assistant \(assistant.id)")
    }

    public func setModel(_ model: String) { self.model = model }

    /// Each run also offers the tools `tools` gives at its start (the run's `tools` override).
    public func setJoiningTools(_ tools: @escaping JoiningTools) { joiningTools = tools }

    public func createThread() async throws -> ThreadSummary { try await threads.create() }

    public func thread(id: String) async throws -> ThreadSummary { try await threads.thread(id: id) }

    public func listThreads(limit: Int) async throws -> [ThreadSummary] { try threads.list(limit: limit) }

    public func deleteThread(id: String) async throws { try await threads.delete(id: id) }

    public func transcript(threadID: String) async throws -> [TranscriptEntry] {
        try await notFoundAsThread(threadID) {
            let messages = try await api.listAll("/threads/\(threadID)/messages", as: Message.self, id: \.id)
            // The tool calls are extra detail: a server that lists no runs or steps still gives
            // the conversation itself.
            let runs = (try? await api.listAll("/threads/\(threadID)/runs", as: Run.self, id: \.id)) ?? []
            let api = api
            // One steps request per run, side by side: /history should not wait run after run.
            let steps = await withTaskGroup(of: [RunStep].self) { group in
                for run in runs {
                    group.addTask {
                        (try? await api.listAll("/threads/\(threadID)/runs/\(run.id)/steps", as: RunStep.self, id: \.id)) ?? []
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            return AssistantsTranscript(messages: messages, runs: runs, steps: steps).entries
        }
    }

    public func appendUserMessage(_ text: String, threadID: String) async throws {
        struct NewMessage: Encodable, Sendable {
            var role = "user"
            var content: String
        }
        _ = try await notFoundAsThread(threadID) {
            try await api.json(.POST, "/threads/\(threadID)/messages", body: NewMessage(content: text), as: Message.self)
        }
        try threads.touch(id: threadID, userLine: text)
    }

    public func streamRun(threadID: String, options: RunOptions) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        struct CreateRun: Encodable, Sendable {
            var assistantID: String
            var stream = true
            var instructions: String?
            var additionalInstructions: String?
            var model: String?
            var tools: [ToolDefinition]?

            enum CodingKeys: String, CodingKey {
                case stream, instructions, model, tools
                case assistantID = "assistant_id"
                case additionalInstructions = "additional_instructions"
            }
        }
        let body = CreateRun(
            assistantID: assistant.id, instructions: options.instructions,
            additionalInstructions: options.additionalInstructions, model: options.model ?? model,
            tools: runTools(assistant.tools, joining: joiningTools))
        return try await runEvents(threadID: threadID, .POST, "/threads/\(threadID)/runs", body: body, creating: true)
    }

    public func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        struct Submission: Encodable, Sendable {
            var toolOutputs: [ToolOutput]
            var stream = true

            enum CodingKeys: String, CodingKey {
                case stream
                case toolOutputs = "tool_outputs"
            }
        }
        let body = Submission(toolOutputs: outputs.map { ToolOutput(toolCallID: $0.toolCallID, output: $0.output) })
        return try await runEvents(threadID: threadID, .POST, "/threads/\(threadID)/runs/\(runID)/submit_tool_outputs", body: body)
    }

    /// Cancels the run on the server, giving up after `cancelDeadline` (a black-holed network
    /// must not hold the REPL).
    public func cancelRun(threadID: String, runID: String) async throws {
        try await Self.cancel(api: api, threadID: threadID, runID: runID)
    }

    /// How long a cancel request may take, retries included.
    static let cancelDeadline = Duration.seconds(5)

    private static func cancel(api: APIClient, threadID: String, runID: String) async throws {
        struct Empty: Encodable, Sendable {}
        _ = try await api.json(
            .POST, "/threads/\(threadID)/runs/\(runID)/cancel", body: Empty(), as: Run.self, deadline: cancelDeadline)
    }

    /// Cancels the thread's newest run when it is still active and new: the one a Ctrl-C left
    /// on the server before its id arrived. Its own task, since the caller's is cancelled.
    private static func cancelUnseenRun(api: APIClient, threadID: String, requestedAt: Date) async {
        await Task.detached {
            guard
                let newest = try? await api.json(
                    .GET, "/threads/\(threadID)/runs?order=desc&limit=1", as: APIList<Run>.self, deadline: cancelDeadline
                ).data.first,
                !newest.status.isTerminal,
                // Allows for the server's clock; an older run is someone else's.
                newest.createdAt >= Int(requestedAt.timeIntervalSince1970) - 30
            else { return }
            try? await cancel(api: api, threadID: threadID, runID: newest.id)
        }.value
    }

    /// Streams a run's events as `RunEvent`s. Unknown events and events whose JSON is broken
    /// are skipped; a stream that ends before the run completed or asked for tools throws, and
    /// first cancels the run on the server (its id remembered from the first event), so a
    /// broken connection does not leave it running there and the thread locked. When a new run
    /// (`creating`) is cancelled before its id arrived, it is looked up and cancelled.
    private func runEvents(
        threadID: String, _ method: HTTPMethod, _ path: String, body: any Encodable & Sendable, creating: Bool = false
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        let requestedAt = Date()
        let api = api
        let source: AsyncThrowingStream<ServerSentEvent, any Error>
        do {
            source = try await api.events(method, path, body: body)
        } catch  where creating && Task.isCancelled {
            await Self.cancelUnseenRun(api: api, threadID: threadID, requestedAt: requestedAt)
            throw CancellationError()
        }
        let start = translator
        return .producing { continuation in
            var translator = start
            var settled = false
            var runID: String?
            do {
                for try await sse in source {
                    guard let name = sse.event, name != "done",
                        let event = try? StreamEvent.decode(name: name, data: sse.data)
                    else { continue }
                    for translated in translator.translate(event) {
                        switch translated {
                        case .started(let id): runID = id
                        case .finished, .toolCallsRequired: settled = true
                        default: break
                        }
                        continuation.yield(translated)
                    }
                }
                if !settled { throw HTTPError.streamCut("the stream ended before the run finished") }
            } catch  where creating && runID == nil && Task.isCancelled {
                await Self.cancelUnseenRun(api: api, threadID: threadID, requestedAt: requestedAt)
                throw CancellationError()
            } catch let error where !(error is CancellationError) && !Task.isCancelled && !settled {
                // A reader that left (Ctrl-C) cancels through `cancelRun`; a broken stream does it here.
                if let runID { try? await Self.cancel(api: api, threadID: threadID, runID: runID) }
                throw error
            }
        }
    }
}
