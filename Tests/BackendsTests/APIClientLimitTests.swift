import AssistantsWire
import HTTPSupport
import TestSupport
import Testing

/// The one event-stream path every HTTP backend (`chat`, `assistants`, `responses`) reads
/// through: an endless line from the server ends the stream with one clear error once it passes
/// the parser's limit (docs/reliability.md, "Oversized server-sent events").
@Suite struct APIClientLimitTests {
    @Test func anEndlessLineEndsTheStreamWithTheLimitError() async throws {
        let server = try await FakeHTTPServer.start()
        server.enqueue(
            "POST", "/v1/threads/thread_1/runs",
            FakeReply.sse(["event: thread.run.created\ndata: {}\n\n", "data: "]).repeating(String(repeating: "y", count: 4096), count: nil))
        let events = try await APIClient(settings: fakeSettings(server)).events(.POST, "/threads/thread_1/runs", body: nil)
        var received: [ServerSentEvent] = []
        await #expect(throws: HTTPError.invalidResponse("the server sent a line larger than 1048576 bytes")) {
            for try await event in events { received.append(event) }
        }
        #expect(received.map(\.event) == ["thread.run.created"])
    }
}
