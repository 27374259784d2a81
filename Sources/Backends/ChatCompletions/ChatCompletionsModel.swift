import AssistantsWire
import Foundation
import HTTPSupport
import ThreadlineCore

/// A `LanguageModel` behind any Chat Completions endpoint (OpenAI, Ollama, vLLM, llama.cpp...):
/// the local engine keeps the thread, each step of a run is one streamed request carrying
/// the whole conversation.
public struct ChatCompletionsModel: LanguageModel {
    private let api: APIClient
    /// Used instead of the run's model, when the runs name models this server lacks (the
    /// clients of `serve` ask for the assistant's "gpt-4o").
    private let fixedModel: String?

    public init(settings: HTTPSettings, model: String? = nil) {
        api = APIClient(settings: settings)
        fixedModel = model
    }

    /// With a fixed model every run gets it, whatever model it names.
    public var answeringModel: String? { fixedModel }

    public var displayName: String {
        "Chat Completions model \(fixedModel.map { "\($0) " } ?? "")at \(api.settings.baseURL)"
    }

    public func respond(to request: ModelRequest) -> AsyncThrowingStream<ModelOutput, any Error> {
        var body = ChatCompletionRequest(request)
        if let fixedModel { body.model = fixedModel }
        let (api, request) = (api, body)
        return .producing { continuation in
            var state = ChatCompletionsStreamState()
            for try await sse in try await api.events(.POST, "/chat/completions", body: request) {
                if sse.data == "[DONE]" {
                    state.markDone()
                    break
                }
                guard let chunk = try? WireCoding.decoder().decode(ChatCompletionChunk.self, from: Data(sse.data.utf8)) else {
                    continue
                }
                if let error = chunk.error { throw ModelServerError(body: error) }
                state.apply(chunk).forEach { continuation.yield($0) }
            }
            guard state.isSettled else { throw HTTPError.streamCut("the stream ended before the reply finished") }
            state.finish().forEach { continuation.yield($0) }
        }
    }
}

/// An error object the model server sent inside a stream that had started fine.
public struct ModelServerError: Error, Equatable, CustomStringConvertible {
    public var body: APIErrorBody

    public var description: String {
        "the model server reported: \(body.message)" + (body.code.map { " (\($0))" } ?? "")
    }
}
