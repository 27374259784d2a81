import AssistantsWire
import Foundation
import HTTPSupport
import ThreadlineCore

/// `ChatBackend` over OpenAI's Responses API: a thread is a Conversation (its id remembered
/// locally like any remote thread), each user line one streamed `POST /responses` in it, and
/// tool outputs a follow-up response whose input is every `function_call_output` of the step.
public actor ResponsesBackend: ChatBackend {
    private let api: APIClient
    private let store: RemoteBookkeeping
    private let threads: RemoteThreads
    private let definition: AssistantParameters
    private var model: String?
    private var joiningTools: JoiningTools?
    /// User lines the server has not accepted yet, per conversation; sent with the next request.
    private var pendingLines: [String: [String]] = [:]
    /// The overrides of each conversation's turn: every request of a turn repeats them, since
    /// instructions do not carry over from one response to the next.
    private var turnOptions: [String: RunOptions] = [:]
    private let live = LiveResponses()

    private var storeKey: String { threads.storeKey }

    /// Connects to `settings.baseURL`; `definition` gives the model, instructions and tools.
    public init(settings: HTTPSettings, statePath: String, definition: AssistantParameters) throws {
        let api = APIClient(settings: settings)
        let store = try RemoteBookkeeping(path: statePath)
        self.api = api
        self.store = store
        // Its own store key: the same base URL may also serve Assistants threads.
        threads = RemoteThreads(api: api, store: store, storeKey: "responses " + settings.baseURL, collection: "/conversations")
        self.definition = definition
    }

    public func describe() async -> BackendDescription {
        let usage = live.usage.map { ", session usage \($0.inputTokens) in / \($0.outputTokens) out tokens" } ?? ""
        return BackendDescription(name: "responses", model: model ?? definition.model, detail: api.settings.baseURL + usage)
    }

    public func setModel(_ model: String) { self.model = model }

    /// Each request also offers the tools `tools` gives when it is sent.
    public func setJoiningTools(_ tools: @escaping JoiningTools) { joiningTools = tools }

    public func createThread() async throws -> ThreadSummary { try await threads.create() }

    public func thread(id: String) async throws -> ThreadSummary { try await threads.thread(id: id) }

    public func listThreads(limit: Int) async throws -> [ThreadSummary] { try threads.list(limit: limit) }

    public func deleteThread(id: String) async throws { try await threads.delete(id: id) }

    public func transcript(threadID: String) async throws -> [TranscriptEntry] {
        let items = try await notFoundAsThread(threadID) {
            try await api.listAll("/conversations/\(threadID)/items", as: ResponseItem.self, id: \.id)
        }
        return ConversationTranscript.entries(items, partialIDs: try store.partialItems(baseURL: storeKey))
    }

    /// Queues the line: it goes to the server as input of the next response.
    public func appendUserMessage(_ text: String, threadID: String) async throws {
        pendingLines[threadID, default: []].append(text)
        try threads.touch(id: threadID, userLine: text)
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
            tools: (runTools(definition.tools, joining: joiningTools) ?? definition.tools ?? []).compactMap(\.function)
                .map(ResponsesFunctionTool.init))
        let source = try await notFoundAsThread(threadID) { try await api.events(.POST, "/responses", body: body) }
        live.begin(threadID, input: input)
        let live = live
        return .producing { continuation in
            var state = ResponsesStreamState()
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
        }
    }

    /// The run's instructions: the override or the assistant's, plus any additional ones.
    static func instructions(_ options: RunOptions, default assistant: String?) -> String? {
        let base = options.instructions ?? assistant
        guard let additional = options.additionalInstructions, !additional.isEmpty else { return base }
        guard let base, !base.isEmpty else { return additional }
        return base + "\n\n" + additional
    }
}
