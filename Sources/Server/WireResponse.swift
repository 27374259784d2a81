import AssistantsWire
import Foundation
import Hummingbird

/// Builds the API's JSON and server-sent-event responses.
enum WireResponse {
    static func json(_ value: some Encodable, status: Int = 200) -> Response {
        let encoder = WireCoding.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Writes each event as it comes, then `event: done` / `data: [DONE]`. A failure inside the
    /// stream becomes an `error` event, since the status line has already been sent.
    static func events(
        _ stream: AsyncThrowingStream<StreamEvent, any Error>, prefix: [StreamEvent] = []
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for event in prefix { try await writer.write(ByteBuffer(string: event.sseText)) }
                do {
                    for try await event in stream {
                        try await writer.write(ByteBuffer(string: event.sseText))
                    }
                } catch let error where !(error is CancellationError) {
                    let failure = APIFailure.from(error)
                    try await writer.write(ByteBuffer(string: StreamEvent.error(failure.body).sseText))
                }
                try await writer.write(ByteBuffer(string: StreamEvent.done.sseText))
                try await writer.finish(nil)
            })
    }
}
