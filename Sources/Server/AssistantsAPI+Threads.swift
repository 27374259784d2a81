import AssistantsWire
import Hummingbird

extension AssistantsAPI {
    @Sendable func createThread(_ request: Request, context: Context) async throws -> Response {
        let body = try await decode(CreateThreadBody.self, from: request)
        return WireResponse.json(try await makeThread(body))
    }

    /// A new thread holding the body's messages.
    func makeThread(_ body: CreateThreadBody) async throws -> AssistantThread {
        try validate(body.messages ?? [])
        let thread = try await engine.createThread(metadata: body.metadata ?? [:])
        try await append(body.messages ?? [], to: thread.id)
        return thread
    }

    /// Checked before anything is written, so a bad message never leaves half a request applied.
    func validate(_ messages: [CreateMessageBody]) throws {
        if let bad = messages.first(where: { $0.role != "user" && $0.role != "assistant" }) {
            throw APIFailure.invalid(
                "Invalid 'role': '\(bad.role)' (expected 'user' or 'assistant').", param: "role")
        }
    }

    func append(_ messages: [CreateMessageBody], to threadID: String) async throws {
        for message in messages {
            _ = try await engine.addMessage(
                threadID: threadID, role: message.role, text: message.content.text,
                metadata: message.metadata)
        }
    }

    @Sendable func retrieveThread(_ request: Request, context: Context) async throws -> Response {
        WireResponse.json(try await engine.thread(id: context.parameters.require("thread_id")))
    }

    @Sendable func updateThread(_ request: Request, context: Context) async throws -> Response {
        var thread = try await engine.thread(id: context.parameters.require("thread_id"))
        let body = try await decode(MetadataBody.self, from: request)
        thread.metadata = body.metadata ?? thread.metadata
        try await engine.updateThread(thread)
        return WireResponse.json(thread)
    }

    @Sendable func deleteThread(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("thread_id")
        try await engine.deleteThread(id: id)
        return WireResponse.json(DeletionStatus(id: id, object: "thread.deleted"))
    }

    @Sendable func createMessage(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        let body = try await decode(CreateMessageBody.self, from: request)
        try validate([body])
        let message = try await engine.addMessage(
            threadID: threadID, role: body.role, text: body.content.text, metadata: body.metadata)
        return WireResponse.json(message)
    }

    @Sendable func listMessages(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        let runID = request.uri.queryParameters["run_id"].map(String.init)
        return try await list(request, .messages(threadID: threadID, runID: runID))
    }

    @Sendable func retrieveMessage(_ request: Request, context: Context) async throws -> Response {
        WireResponse.json(
            try await engine.message(
                threadID: context.parameters.require("thread_id"),
                id: context.parameters.require("message_id")))
    }
}
