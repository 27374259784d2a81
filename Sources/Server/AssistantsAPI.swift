import AssistantsWire
import Backends
import Foundation
import Hummingbird

/// The Assistants v2 HTTP API over a `LocalEngine`: routes, request decoding and the run
/// responses (streamed, or progressing in the background for polling clients).
struct AssistantsAPI: Sendable {
    let engine: LocalEngine
    let settings: ServeSettings

    typealias Context = BasicRequestContext

    func register(on router: Router<Context>) {
        router.add(middleware: RequestGuard(settings: settings))
        router.add(middleware: APIMiddleware(apiKey: settings.apiKey))
        let v1 = router.group("v1")
        v1.get("models", use: listModels)
        v1.post("assistants", use: createAssistant)
        v1.get("assistants", use: listAssistants)
        v1.get("assistants/:assistant_id", use: retrieveAssistant)
        v1.post("assistants/:assistant_id", use: updateAssistant)
        v1.delete("assistants/:assistant_id", use: deleteAssistant)

        v1.post("threads", use: createThread)
        v1.post("threads/runs", use: createThreadAndRun)
        v1.get("threads/:thread_id", use: retrieveThread)
        v1.post("threads/:thread_id", use: updateThread)
        v1.delete("threads/:thread_id", use: deleteThread)

        v1.post("threads/:thread_id/messages", use: createMessage)
        v1.get("threads/:thread_id/messages", use: listMessages)
        v1.get("threads/:thread_id/messages/:message_id", use: retrieveMessage)

        v1.post("threads/:thread_id/runs", use: createRun)
        v1.get("threads/:thread_id/runs", use: listRuns)
        v1.get("threads/:thread_id/runs/:run_id", use: retrieveRun)
        v1.post("threads/:thread_id/runs/:run_id", use: updateRun)
        v1.post("threads/:thread_id/runs/:run_id/cancel", use: cancelRun)
        v1.post("threads/:thread_id/runs/:run_id/submit_tool_outputs", use: submitToolOutputs)
        v1.get("threads/:thread_id/runs/:run_id/steps", use: listSteps)
        v1.get("threads/:thread_id/runs/:run_id/steps/:step_id", use: retrieveStep)
    }

    /// Decodes a JSON body within the size limit; an empty body reads as `{}`.
    func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async throws -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: settings.maxBodyBytes)
        } catch {
            throw APIFailure.bodyTooLarge(limit: settings.maxBodyBytes)
        }
        let bytes = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        return try WireCoding.decoder().decode(type, from: bytes)
    }

    /// One page of `list` with the request's `limit`, `order`, `after`, `before`, its objects
    /// sent as stored.
    func list(_ request: Request, _ list: StoredList) async throws -> Response {
        WireResponse.list(try await engine.wirePage(list, PageRequest(request)))
    }

    /// A run's answer: its events as they happen when streaming, otherwise the run as first
    /// reported while it goes on in the background, so `create_and_poll` can follow it.
    func respond(
        to stream: LocalEngine.EventStream, streaming: Bool, prefix: [StreamEvent] = []
    ) async throws -> Response {
        if streaming { return WireResponse.events(stream, prefix: prefix) }
        let (first, announce) = AsyncStream<Run>.makeStream()
        Task {
            var announced = false
            do {
                for try await event in stream {
                    guard !announced, case .run(_, let run) = event else { continue }
                    announce.yield(run)
                    announce.finish()
                    announced = true
                }
            } catch {}
            announce.finish()
        }
        for await run in first { return WireResponse.json(run) }
        throw APIFailure(status: 500, message: "The run ended before it started.", type: "server_error")
    }
}
