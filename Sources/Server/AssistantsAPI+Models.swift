import AssistantsWire
import Backends
import Hummingbird

extension AssistantsAPI {
    /// `GET /v1/models`, which many clients ask first: the model that answers every run when
    /// there is one (the demo, or `--model`), else the models the stored assistants name.
    @Sendable func listModels(_ request: Request, context: Context) async throws -> Response {
        var names = engine.answeringModel.map { [$0] } ?? []
        if names.isEmpty {
            for model in try await engine.assistants().map(\.model) where !names.contains(model) { names.append(model) }
        }
        let models = names.map { WireObject(id: $0, json: WireCoding.jsonText(ModelObject(id: $0))) }
        return WireResponse.list(Page(items: models, hasMore: false))
    }
}

/// One entry of `GET /v1/models`, as the API shapes it.
struct ModelObject: Encodable, Sendable {
    var id: String
    var object = "model"
    var created = 0
    var ownedBy = "threadline"

    enum CodingKeys: String, CodingKey {
        case id, object, created
        case ownedBy = "owned_by"
    }
}
