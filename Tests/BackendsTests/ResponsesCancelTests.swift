import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// Ctrl-C, interrupted tool rounds and transcripts of a Responses conversation.
@Suite struct ResponsesCancelTests {
    let directory = TemporaryDirectory("threadline-responses-cancel")

    func start() async throws -> (FakeHTTPServer, ResponsesBackend) {
        let server = try await FakeHTTPServer.start()
        server.enqueue("POST", "/v1/conversations", .json(ResponsesBackendTests.conversation))
        let backend = try ResponsesBackend(
            settings: fakeSettings(server), statePath: directory.file("threads.sqlite"), definition: DefaultConfiguration.assistant)
        _ = try await backend.createThread()
        return (server, backend)
    }

    static func itemPage(_ items: [String]) -> FakeReply {
        .json(#"{"object":"list","data":[\#(items.joined(separator: ","))],"first_id":null,"last_id":null,"has_more":false}"#)
    }

    static func message(_ id: String, _ role: String, _ text: String) -> String {
        let part = role == "user" ? "input_text" : "output_text"
        return #"{"id":"\#(id)","type":"message","status":"completed","role":"\#(role)","content":[{"type":"\#(part)","text":"\#(text)"}]}"#
    }

    @Test func cancellingStoresTheTurnsLostInputAndThePartialReplyMarkedPartial() async throws {
        let (server, backend) = try await start()
        server.enqueue("POST", "/v1/responses", FakeReply.sse(ResponsesStreamFixture.truncated(after: ["Half a ", "reply"])).stalling())
        server.enqueue(
            "POST", "/v1/conversations/conv_1/items",
            Self.itemPage([Self.message("msg_user", "user", "tell me a story"), Self.message("msg_partial", "assistant", "Half a reply")]))
        try await backend.appendUserMessage("tell me a story", threadID: "conv_1")
        let summary = try await turnCancelled(after: "Half a reply", backend: backend, threadID: "conv_1")
        server.releaseStalled()

        #expect(summary.outcome == .cancelled)
        #expect(summary.text == "Half a reply")
        // The server keeps nothing of an aborted response: the line and the partial text are added.
        let stored = server.requests("POST", "/v1/conversations/conv_1/items").first?.json?["items"]?.elements ?? []
        #expect(stored.map { $0["role"] } == [.string("user"), .string("assistant")])
        #expect(stored.map { $0["content"] } == [.string("tell me a story"), .string("Half a reply")])

        server.enqueue(
            "GET", "/v1/conversations/conv_1/items",
            Self.itemPage([Self.message("msg_user", "user", "tell me a story"), Self.message("msg_partial", "assistant", "Half a reply")]))
        let transcript = try await backend.transcript(threadID: "conv_1")
        #expect(
            transcript == [
                TranscriptEntry(kind: .user, text: "tell me a story"),
                TranscriptEntry(kind: .assistant, text: "Half a reply", isPartial: true),
            ])

        server.enqueue("POST", "/v1/responses", .sse(ResponsesStreamFixture.text(["Still here."])))
        try await backend.appendUserMessage("go on", threadID: "conv_1")
        let next = try await RunDriver(backend: backend, toolRunner: weatherTools).runTurn(threadID: "conv_1", options: RunOptions()) { _ in
        }
        #expect(next.text == "Still here.")
        #expect(server.requests("POST", "/v1/responses").last?.inputItems.map { $0["content"] } == [.string("go on")])
        #expect(server.requests("POST", "/v1/conversations/conv_1/items").count == 1)
    }

    @Test func cancellingTheAnswerAfterToolsStoresTheToolOutputsWithIt() async throws {
        let (server, backend) = try await start()
        server.enqueue(
            "POST", "/v1/responses", .sse(ResponsesStreamFixture.calls(seedCalls)),
            FakeReply.sse(ResponsesStreamFixture.truncated(after: ["Busan is "])).stalling())
        server.enqueue("POST", "/v1/conversations/conv_1/items", Self.itemPage([Self.message("msg_partial", "assistant", "Busan is ")]))
        try await backend.appendUserMessage(seedQuestion, threadID: "conv_1")
        let summary = try await turnCancelled(after: "Busan is ", backend: backend, threadID: "conv_1")
        server.releaseStalled()
        #expect(summary.outcome == .cancelled)
        #expect(summary.toolResults.count == 2)
        // The user line went with the first response, which completed: only the follow-up's input is lost.
        let stored = server.requests("POST", "/v1/conversations/conv_1/items").first?.json?["items"]?.elements ?? []
        #expect(stored.map { $0["type"] } == [.string("function_call_output"), .string("function_call_output"), .string("message")])
        #expect(stored.prefix(2).map { $0["call_id"] } == [.string("call_temp"), .string("call_rain")])
        #expect(stored.last?["content"] == .string("Busan is "))
    }

    @Test func callsLeftOpenByAnInterruptedTurnAreAnsweredBeforeTheNextLine() async throws {
        let (server, backend) = try await start()
        server.enqueue("POST", "/v1/responses", .sse(ResponsesStreamFixture.calls(seedCalls)), .sse(ResponsesStreamFixture.text(["ok"])))
        try await backend.appendUserMessage(seedQuestion, threadID: "conv_1")
        // No tool round allowed: the driver stops with the calls unanswered, as after Ctrl-C.
        let stopped = try await RunDriver(backend: backend, toolRunner: weatherTools, maxToolRounds: 0)
            .runTurn(threadID: "conv_1", options: RunOptions()) { _ in }
        #expect(stopped.outcome == .failed("stopped after 0 tool rounds"))
        try await backend.appendUserMessage("never mind", threadID: "conv_1")
        _ = try await RunDriver(backend: backend, toolRunner: weatherTools).runTurn(threadID: "conv_1", options: RunOptions()) { _ in }
        let input = try #require(server.requests("POST", "/v1/responses").last).inputItems
        #expect(input.map { $0["type"] } == [.string("function_call_output"), .string("function_call_output"), .string("message")])
        #expect(input.prefix(2).map { $0["call_id"] } == [.string("call_temp"), .string("call_rain")])
        #expect(input.last?["content"] == .string("never mind"))
    }

    @Test func transcriptPairsCallsWithOutputsAcrossPages() async throws {
        let (server, backend) = try await start()
        let call =
            #"{"id":"fc_1","type":"function_call","status":"completed","call_id":"call_temp","name":"get_current_temperature","arguments":"{\"location\":\"Busan\"}"}"#
        let output = #"{"id":"fco_1","type":"function_call_output","call_id":"call_temp","output":"14°C"}"#
        server.enqueue(
            "GET", "/v1/conversations/conv_1/items",
            .json(#"{"object":"list","data":[\#(Self.message("m1", "user", "Busan?")),\#(call)],"last_id":"fc_1","has_more":true}"#),
            Self.itemPage([output, #"{"id":"rs_1","type":"reasoning","summary":[]}"#, Self.message("m2", "assistant", "14°C in Busan.")]))
        let transcript = try await backend.transcript(threadID: "conv_1")
        #expect(
            transcript == [
                TranscriptEntry(kind: .user, text: "Busan?"),
                TranscriptEntry(
                    kind: .toolCall(name: "get_current_temperature", arguments: #"{"location":"Busan"}"#, output: "14°C"), text: ""),
                TranscriptEntry(kind: .assistant, text: "14°C in Busan."),
            ])
        let pages = server.requests("GET", "/v1/conversations/conv_1/items")
        #expect(pages.count == 2)
        #expect(pages[1].uri.contains("after=fc_1"))
    }
}
