import AssistantsWire
import Foundation
import HTTPSupport
import ThreadlineCore

/// `ChatBackend` over OpenAI's Responses API: a thread is a Conversation (its id remembered
/// locally like any remote thread), each user line one streamed `POST /responses` in it, and
/// tool outputs a follow-up response whose input is every `function_call_output` of the step.
public actor ResponsesBackend: ChatBackend {
    private let api: APIClient
    private let store: LocalStore
    private let definition: AssistantParameters
    private var model: String?
    /// User lines the server has not accepted yet, per conversation; sent with the next request.
    private var pendingLines: [String: [String]] = [:]
    /// The overrides of each conversation's turn: every request of a turn repeats them, since
    /// instructions do not carry over from one response to the next.
    private var turnOptions: [String: RunOptions] = [:]
    private let live = LiveResponses()

    /// The key of this backend's conversations in the local store, apart from Assistants
    /// threads kept for the same base URL.
    private var storeKey: String { "responses " + api.settings.baseURL }

    /// Connects to `settings.baseURL`; `definition` gives the model, instructions and tools.
    public init(settings: HTTPSettings, statePath: String, definition: AssistantParameters) throws {
        self.api = APIClient(settings: settings)
        self.store = try LocalStore(path: statePath)
        self.definition = definition
    }

    public func describe() async -> BackendDescription {
        let usage = live.usage.map { ", session usage \($0.inputTokens) in / \($0.outputTokens) out tokens" } ?? ""
        return BackendDescription(name: "responses", model: model ?? definition.model, detail: api.settings.baseURL + usage)
    }

    public func setModel(_ model: String) { self.model = model }

    public func createThread() async throws -> ThreadSummary {
        let conversation = try await api.json(.POST, "/conversations", body: [String: String](), as: Conversation.self)
        try store.rememberRemoteThread(baseURL: storeKey, id: conversation.id, createdAt: conversation.createdAt)
        return ThreadSummary(id: conversation.id, createdAt: Self.date(conversation.createdAt), title: nil)
    }

    public func thread(id: String) async throws -> ThreadSummary {
        let conversation = try await notFoundAsThread(id) { try await api.json(.GET, "/conversations/\(id)", as: Conversation.self) }
        try store.rememberRemoteThread(baseURL: storeKey, id: conversation.id, createdAt: conversation.createdAt)
        return ThreadSummary(
            id: conversation.id, createdAt: Self.date(conversation.createdAt), title: try store.remoteThreadTitle(baseURL: storeKey, id: id)
        )
    }

    public func listThreads(limit: Int) async throws -> [ThreadSummary] {
        try store.remoteThreads(baseURL: storeKey, limit: limit).map {
            ThreadSummary(id: $0.id, createdAt: Self.date($0.createdAt), title: $0.title)
        }
    }

    public func deleteThread(id: String) async throws {
        struct Deleted: Decodable { var deleted: Bool }
        _ = try await notFoundAsThread(id) { try await api.json(.DELETE, "/conversations/\(id)", as: Deleted.self) }
        try store.forgetRemoteThread(baseURL: storeKey, id: id)
    }

    public func transcript(threadID: String) async throws -> [TranscriptEntry] {
        let items = try await notFoundAsThread(threadID) {
            try await api.listAll("/conversations/\(threadID)/items", as: ResponseItem.self, id: \.id)
        }
        return ConversationTranscript.entries(items, partialIDs: try store.partialItems(baseURL: storeKey))
    }

    /// Queues the line: it goes to the server as input of the next response.
    public func appendUserMessage(_ text: String, threadID: String) async throws {
        pendingLines[threadID, default: []].append(text)
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        try store.touchRemoteThread(baseURL: storeKey, id: threadID, userLine: firstLine)
    }

    public func streamRun(threadID: String, options: RunOptions) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        turnOptions[threadID] = options
        try await storeInterruptedTurn(threadID)
        // Calls a cancelled or broken turn left open must be answered before anything else.
        let unanswered = live.unansweredCalls(threadID).map {
            InputItem.functionCallOutput(callID: $0.id, output: #"{"error":"not run: the turn was interrupted"}"#)
        }
        let lines = pendingLines[threadID] ?? []
        let stream = try await respond(threadID: threadID, input: unanswered + lines.map { InputItem.message(role: "user", text: $0) })
        pendingLines[threadID] = nil
        return stream
    }

    public func submitToolOutputs(
        threadID: String, runID: String, outputs: [ToolCallOutput]
    ) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        try await respond(threadID: threadID, input: outputs.map { InputItem.functionCallOutput(callID: $0.toolCallID, output: $0.output) })
    }

    /// Closing the stream (already done) stops the response; this stores what the turn had.
    public func cancelRun(threadID: String, runID: String) async throws {
        try await storeInterruptedTurn(threadID)
    }

    /// The server keeps nothing of a response whose stream was closed early, so the turn's
    /// input and the text streamed so far are added to the conversation, the text marked
    /// partial: the thread stays coherent and its calls answered.
    private func storeInterruptedTurn(_ threadID: String) async throws {
        let (items, partialText) = live.interruptedItems(threadID)
        guard !items.isEmpty else { return }
        struct NewItems: Encodable, Sendable { var items: [InputItem] }
        let added = try await notFoundAsThread(threadID) {
            try await api.json(.POST, "/conversations/\(threadID)/items", body: NewItems(items: items), as: APIList<ResponseItem>.self)
        }
        live.reset(threadID)
        if partialText != nil, let id = added.data.last?.id { try store.rememberPartialItem(baseURL: storeKey, id: id) }
    }

    /// Sends one response request in the conversation and streams it as `RunEvent`s. Events
    /// that are unknown or not JSON are skipped; a stream ending before the response settled throws.
    private func respond(threadID: String, input: [InputItem]) async throws -> AsyncThrowingStream<RunEvent, any Error> {
        let options = turnOptions[threadID] ?? RunOptions()
        let body = CreateResponse(
            model: options.model ?? model ?? definition.model, conversation: threadID, input: input,
            instructions: Self.instructions(options, default: definition.instructions),
            tools: definition.functions.map(ResponsesFunctionTool.init))
        let source = try await notFoundAsThread(threadID) { try await api.events(.POST, "/responses", body: body) }
        live.begin(threadID, input: input)
        let live = live
        let (stream, continuation) = AsyncThrowingStream<RunEvent, any Error>.makeStream()
        let task = Task {
            var state = ResponsesStreamState()
            do {
                for try await sse in source {
                    guard let event = try? WireCoding.decoder().decode(ResponsesStreamEvent.self, from: Data(sse.data.utf8)) else {
                        continue
                    }
                    let events = state.apply(event)
                    let usage = events.lazy.compactMap { if case .usage(let usage) = $0 { usage } else { nil } }.first
                    live.update(threadID, state, addingUsage: usage)
                    events.forEach { continuation.yield($0) }
                }
                if !state.isSettled { throw HTTPError.streamCut("the stream ended before the response finished") }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The run's instructions: the override or the assistant's, plus any additional ones.
    static func instructions(_ options: RunOptions, default assistant: String?) -> String? {
        let base = options.instructions ?? assistant
        guard let additional = options.additionalInstructions, !additional.isEmpty else { return base }
        guard let base, !base.isEmpty else { return additional }
        return base + "\n\n" + additional
    }

    private static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    /// Runs `body`, turning a 404 into `BackendError.threadNotFound(id)`.
    private func notFoundAsThread<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch HTTPError.api(status: 404, _) {
            throw BackendError.threadNotFound(id)
        }
    }
}
