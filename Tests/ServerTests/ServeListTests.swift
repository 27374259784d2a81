import AssistantsWire
import Backends
import HTTPSupport
import TestSupport
import Testing
import ThreadlineCore

/// List endpoints of `serve`, over HTTP: pages come from the store's keyset queries.
@Suite struct ServeListTests {
    let directory = TemporaryDirectory("threadline-serve-list")

    struct Listed: Decodable {
        var data: [Message]
        var firstID: String?
        var lastID: String?
        var hasMore: Bool

        enum CodingKeys: String, CodingKey {
            case data
            case firstID = "first_id"
            case lastID = "last_id"
            case hasMore = "has_more"
        }
    }

    @Test func walkingEveryPageGivesEachMessageOnceNewestFirst() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let thread = try await server.engine.createThread()
            var stored: [String] = []
            for index in 1...25 {
                stored.append(try await server.engine.addMessage(threadID: thread.id, role: "user", text: "줄 \(index)").id)
            }
            let api = APIClient(
                settings: HTTPSettings(baseURL: server.baseURL, apiKey: nil, extraHeaders: ["OpenAI-Beta": "assistants=v2"]))
            var walked: [String] = []
            var cursor = ""
            while true {
                let page = try await api.json(.GET, "/threads/\(thread.id)/messages?limit=10\(cursor)", as: Listed.self)
                #expect(page.firstID == page.data.first?.id && page.lastID == page.data.last?.id)
                walked += page.data.map(\.id)
                guard page.hasMore, let last = page.lastID else { break }
                cursor = "&after=\(last)"
            }
            #expect(walked == stored.reversed())

            let before = try await api.json(
                .GET, "/threads/\(thread.id)/messages?limit=3&order=asc&before=\(stored[10])", as: Listed.self)
            #expect(before.data.map(\.id) == Array(stored[7..<10]) && before.hasMore)

            await #expect {
                try await api.json(.GET, "/threads/\(thread.id)/messages?after=msg_unknown", as: Listed.self)
            } throws: { error in
                guard case HTTPError.api(400, let body) = error else { return false }
                return body?.param == "after"
            }
        }
        await server.stop()
    }

    /// An empty page still carries `first_id` and `last_id`, as `null` (docs/serve.md).
    @Test func anEmptyListHasNullFirstAndLastIDs() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let thread = try await server.engine.createThread()
            let api = APIClient(
                settings: HTTPSettings(baseURL: server.baseURL, apiKey: nil, extraHeaders: ["OpenAI-Beta": "assistants=v2"]))
            let page = try await api.json(.GET, "/threads/\(thread.id)/messages", as: JSONValue.self)
            let object = try #require(page.objectValue)
            #expect(object["first_id"] == .null && object["last_id"] == .null)
            #expect(object["has_more"] == .bool(false))
        }
        await server.stop()
    }

    /// Lists send each object's stored JSON as it is: the same members and values as the object
    /// retrieved alone, for messages, runs, steps and assistants.
    @Test func listedObjectsAreTheObjectsRetrievedAlone() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let engine = server.engine
            let assistant = try await engine.createAssistant(model: "demo", instructions: "say \"hi\"\n", tools: [])
            let thread = try await engine.createThread(metadata: ["k": "v/\u{1}"])
            let message = try await engine.addMessage(threadID: thread.id, role: "user", text: "줄 \"a\\b\"\t</end>")
            let stream = try await engine.createRun(threadID: thread.id, request: RunRequest(assistantID: assistant.id))
            for try await _ in stream {}
            let run = try #require(try await engine.runs(threadID: thread.id).first)
            let step = try #require(try await engine.steps(threadID: thread.id, runID: run.id).first)
            let api = APIClient(
                settings: HTTPSettings(baseURL: server.baseURL, apiKey: nil, extraHeaders: ["OpenAI-Beta": "assistants=v2"]))
            for (list, one) in [
                ("/assistants", "/assistants/\(assistant.id)"),
                ("/threads/\(thread.id)/messages?order=asc", "/threads/\(thread.id)/messages/\(message.id)"),
                ("/threads/\(thread.id)/runs", "/threads/\(thread.id)/runs/\(run.id)"),
                ("/threads/\(thread.id)/runs/\(run.id)/steps?order=asc", "/threads/\(thread.id)/runs/\(run.id)/steps/\(step.id)"),
            ] {
                let page = try #require(try await api.json(.GET, list, as: JSONValue.self).objectValue)
                let alone = try await api.json(.GET, one, as: JSONValue.self)
                #expect(page["data"]?.arrayValue?.first == alone, "\(list)")
                #expect(page["first_id"] == alone.objectValue?["id"])
                #expect(page["object"] == .string("list"))
            }
            // A list whose thread, or whose run on that thread, does not exist is not found.
            let other = try await engine.createThread()
            for missing in [
                "/threads/thread_missing/messages", "/threads/thread_missing/runs", "/threads/\(other.id)/runs/\(run.id)/steps",
            ] {
                await #expect {
                    try await api.json(.GET, missing, as: JSONValue.self)
                } throws: { error in
                    guard case HTTPError.api(404, _) = error else { return false }
                    return true
                }
            }
        }
        await server.stop()
    }
}
