import AssistantsWire
import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Backends

/// The events of a fixture stream, parsed as a client would.
func serverSentEvents(_ chunks: [String]) -> [ServerSentEvent] {
    var parser = SSEParser()
    var events: [ServerSentEvent] = []
    for chunk in chunks {
        do {
            events += try parser.feed(Array(chunk.utf8))
        } catch {
            Issue.record(error)
        }
    }
    return events
}

/// Folds a Responses fixture through the reducer; returns every RunEvent and the final state.
func reduceResponses(_ chunks: [String]) throws -> ([RunEvent], ResponsesStreamState) {
    var state = ResponsesStreamState()
    let events = try serverSentEvents(chunks).flatMap {
        state.apply(try WireCoding.decoder().decode(ResponsesStreamEvent.self, from: Data($0.data.utf8)))
    }
    return (events, state)
}

/// Folds a Chat Completions fixture through the reducer, then its ending.
func reduceChat(_ chunks: [String]) throws -> ([ModelOutput], ChatCompletionsStreamState) {
    var state = ChatCompletionsStreamState()
    var outputs: [ModelOutput] = []
    for event in serverSentEvents(chunks) {
        if event.data == "[DONE]" {
            state.markDone()
            continue
        }
        outputs += state.apply(try WireCoding.decoder().decode(ChatCompletionChunk.self, from: Data(event.data.utf8)))
    }
    return (outputs + state.finish(), state)
}

@Suite struct ResponsesStreamStateTests {
    @Test func textStreamGivesStartDeltasUsageAndCompletion() throws {
        let (events, state) = try reduceResponses(ResponsesStreamFixture.text(["Hel", "lo"], responseID: "resp_9", usage: (10, 2)))
        #expect(
            events == [
                .started(runID: "resp_9"), .textDelta("Hel"), .textDelta("lo"), .usage(TokenUsage(inputTokens: 10, outputTokens: 2)),
                .finished(.completed),
            ])
        #expect(state.isSettled)
        #expect(state.text == "Hello")
    }

    @Test func eventsAfterTheResponseSettledAreIgnored() throws {
        let fixture = ResponsesStreamFixture.text(["Hel", "lo"], responseID: "resp_9")
        let late = try #require(fixture.first { $0.contains("response.output_text.delta") }).replacingOccurrences(of: "Hel", with: "late")
        let (events, state) = try reduceResponses(fixture + [late])
        #expect(events.last == .finished(.completed))
        #expect(state.text == "Hello")
    }

    @Test func parallelCallsAreAssembledFromArgumentDeltasInOutputOrder() throws {
        let (events, state) = try reduceResponses(ResponsesStreamFixture.calls(seedCalls))
        let expected = seedCalls
        #expect(events.last == .toolCallsRequired(expected))
        #expect(!events.contains(.finished(.completed)))
        #expect(state.toolCalls == expected)
    }

    @Test func doneTextFillsInWhatNoDeltaCarried() throws {
        let done = #"{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello world"}"#
        var state = ResponsesStreamState()
        let decode = { (text: String) throws -> ResponsesStreamEvent in
            try WireCoding.decoder().decode(ResponsesStreamEvent.self, from: Data(text.utf8))
        }
        let delta = #"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello"}"#
        #expect(state.apply(try decode(delta)) == [.textDelta("Hello")])
        #expect(state.apply(try decode(done)) == [.textDelta(" world")])
        #expect(state.text == "Hello world")
    }

    @Test func unknownEventsAndErrorEventsAreHandled() throws {
        var state = ResponsesStreamState()
        let decode = { (text: String) throws -> ResponsesStreamEvent in
            try WireCoding.decoder().decode(ResponsesStreamEvent.self, from: Data(text.utf8))
        }
        #expect(state.apply(try decode(#"{"type":"response.reasoning_summary_text.delta","delta":"hm"}"#)).isEmpty)
        #expect(!state.isSettled)
        let error = #"{"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null,"sequence_number":3}"#
        #expect(state.apply(try decode(error)) == [.finished(.failed("rate_limit_exceeded: Slow down"))])
        #expect(state.isSettled)
    }

    @Test func truncatedStreamIsNotSettled() throws {
        let (events, state) = try reduceResponses(ResponsesStreamFixture.truncated(after: ["Hal"]))
        #expect(events == [.started(runID: "resp_cut"), .textDelta("Hal")])
        #expect(!state.isSettled)
    }
}

@Suite struct ChatCompletionsStreamStateTests {
    @Test func textChunksStreamThenUsage() throws {
        let (outputs, state) = try reduceChat(ChatCompletionsStreamFixture.text(["Hi", " there"], usage: (31, 9)))
        #expect(outputs == [.textDelta("Hi"), .textDelta(" there"), .usage(Usage(promptTokens: 31, completionTokens: 9))])
        #expect(state.isSettled)
        #expect(state.finishReason == "stop")
    }

    @Test func interleavedCallPiecesAreAssembledByIndex() throws {
        let (outputs, _) = try reduceChat(ChatCompletionsStreamFixture.calls(seedCalls))
        let calls = outputs.filter { if case .toolCall = $0 { true } else { false } }
        // The model's own ids are kept: providers check the ids they issued on the follow-up.
        #expect(calls == seedCalls.map { .toolCall(name: $0.name, arguments: $0.arguments, id: $0.id) })
    }

    @Test func callsWithoutIndexAreToldApartByID() throws {
        var state = ChatCompletionsStreamState()
        for (id, name) in [("call_a", "get_current_temperature"), ("call_b", "get_rain_probability")] {
            let chunk =
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"\#(id)","type":"function","function":{"name":"\#(name)","arguments":"{\"location\":\"Seoul\"}"}}]},"finish_reason":null}]}"#
            _ = state.apply(try WireCoding.decoder().decode(ChatCompletionChunk.self, from: Data(chunk.utf8)))
        }
        #expect(
            state.finish() == [
                .toolCall(name: "get_current_temperature", arguments: #"{"location":"Seoul"}"#, id: "call_a"),
                .toolCall(name: "get_rain_probability", arguments: #"{"location":"Seoul"}"#, id: "call_b"),
            ])
    }

    @Test func textAfterTheFinishReasonIsIgnored() throws {
        let fixture = ChatCompletionsStreamFixture.text(["Done."])
        // A content chunk out of order, after the finish reason and before [DONE].
        let late = fixture[1].replacingOccurrences(of: "Done.", with: "late")
        let (outputs, _) = try reduceChat(Array(fixture[..<3]) + [late] + Array(fixture[3...]))
        #expect(outputs.filter { if case .textDelta = $0 { true } else { false } } == [.textDelta("Done.")])
    }

    @Test func lengthFinishIsReportedAsIncomplete() throws {
        let (outputs, _) = try reduceChat(ChatCompletionsStreamFixture.text(["Once upon"], finish: "length"))
        #expect(outputs.last == .incomplete(reason: "the model hit its output token limit (finish_reason: length)"))
    }

    @Test func truncatedStreamIsNotSettled() throws {
        let (_, state) = try reduceChat(ChatCompletionsStreamFixture.truncated(["Hal"]))
        #expect(!state.isSettled)
    }

    /// A hostile server's token counts: their sum trapped (an overflow) instead of holding at the maximum.
    @Test func hugeTokenCountsDoNotOverflow() throws {
        let (outputs, _) = try reduceChat(ChatCompletionsStreamFixture.text(["Hi"], usage: (Int.max, Int.max)))
        #expect(outputs.contains(.usage(Usage(promptTokens: Int.max, completionTokens: Int.max))))
        #expect(Usage(promptTokens: Int.max, completionTokens: 1).totalTokens == Int.max)
        #expect(Usage(promptTokens: Int.min, completionTokens: -1).totalTokens == Int.min)
        let total = TokenUsage(inputTokens: Int.max, outputTokens: 1) + TokenUsage(inputTokens: 1, outputTokens: Int.max)
        #expect(total == TokenUsage(inputTokens: Int.max, outputTokens: Int.max))
    }
}
