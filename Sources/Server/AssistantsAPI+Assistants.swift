import AssistantsWire
import Backends
import Hummingbird

extension AssistantsAPI {
    @Sendable func createAssistant(_ request: Request, context: Context) async throws -> Response {
        let body = try await decode(AssistantParameters.self, from: request)
        let assistant = try await engine.createAssistant(
            model: body.model, instructions: body.instructions, tools: body.tools ?? [], name: body.name,
            description: body.description, metadata: body.metadata ?? [:])
        return WireResponse.json(assistant)
    }

    @Sendable func listAssistants(_ request: Request, context: Context) async throws -> Response {
        try await list(request, .assistants)
    }

    @Sendable func retrieveAssistant(_ request: Request, context: Context) async throws -> Response {
        WireResponse.json(try await engine.assistant(id: context.parameters.require("assistant_id")))
    }

    @Sendable func updateAssistant(_ request: Request, context: Context) async throws -> Response {
        var assistant = try await engine.assistant(id: context.parameters.require("assistant_id"))
        let body = try await decode(UpdateAssistantBody.self, from: request)
        assistant.model = body.model ?? assistant.model
        assistant.name = body.name ?? assistant.name
        assistant.description = body.description ?? assistant.description
        assistant.instructions = body.instructions ?? assistant.instructions
        assistant.tools = body.tools ?? assistant.tools
        assistant.metadata = body.metadata ?? assistant.metadata
        try await engine.updateAssistant(assistant)
        return WireResponse.json(assistant)
    }

    @Sendable func deleteAssistant(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("assistant_id")
        try await engine.deleteAssistant(id: id)
        return WireResponse.json(DeletionStatus(id: id, object: "assistant.deleted"))
    }
}
