import AssistantsWire
import Backends
import Foundation
import Hummingbird

/// Builds the API's JSON and server-sent-event responses.
enum WireResponse {
    static func json(_ value: some Encodable, status: Int = 200) -> Response {
        let encoder = WireCoding.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return json(ByteBuffer(bytes: data), status: status)
    }

    /// A list answer around objects already in wire JSON, written by hand: Codable cost more
    /// than the rest of a list request. `first_id` and `last_id` are `null` on an empty page.
    static func list(_ page: Page<WireObject>) -> Response {
        func appendID(_ object: WireObject?, to json: inout String) {
            if let object { WireCoding.appendString(object.id, to: &json) } else { json.append("null") }
        }
        var json = #"{"data":["#
        json.reserveCapacity(page.items.reduce(128) { $0 + $1.json.utf8.count + 1 })
        for (index, object) in page.items.enumerated() {
            if index > 0 { json.append(",") }
            json.append(object.json)
        }
        json.append(#"],"first_id":"#)
        appendID(page.items.first, to: &json)
        json.append(page.hasMore ? #","has_more":true,"last_id":"# : #","has_more":false,"last_id":"#)
        appendID(page.items.last, to: &json)
        json.append(#","object":"list"}"#)
        return Self.json(ByteBuffer(string: json), status: 200)
    }

    private static func json(_ body: ByteBuffer, status: Int) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: body))
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
