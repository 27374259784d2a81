import AssistantsWire
import Backends
import Foundation
import HTTPSupport
import Server
import TestSupport
import Testing
import ThreadlineCore
import Tools

/// Threadline's Assistants client on `server`, with the seed's demo tools.
private func connectClient(to server: LiveServer, statePath: String) async throws -> (AssistantsHTTPBackend, RunDriver) {
    let backend = try await AssistantsHTTPBackend(
        settings: HTTPSettings(baseURL: server.baseURL, apiKey: nil), statePath: statePath,
        definition: DefaultConfiguration.assistant, assistantID: nil)
    let registry = try ToolsConfiguration.parse(Data(DefaultConfiguration.toolsJSON.utf8), file: "tools.json")
        .registry(for: DefaultConfiguration.assistant.functions, file: "tools.json")
    return (backend, RunDriver(backend: backend, toolRunner: ToolRunner(registry: registry, timeout: .seconds(10))))
}

/// Threadline's own Assistants client against its own server, both in this process: the seed
/// turn, a turn cancelled mid-reply (Ctrl-C), and the thread afterwards.
@Suite struct ServeRoundTripTests {
    let directory = TemporaryDirectory("threadline-serve")
    let seedQuestion = "오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?"

    @Test func theSeedTurnSubmitsBothOutputsAtOnceAndStoresTheAnswer() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let (backend, driver) = try await connectClient(to: server, statePath: directory.file("client.sqlite"))
            let thread = try await backend.createThread()
            try await backend.appendUserMessage(seedQuestion, threadID: thread.id)
            let summary = try await driver.runTurn(threadID: thread.id, options: RunOptions()) { _ in }
            #expect(summary.outcome == .completed)
            #expect(summary.toolRounds == 1)
            #expect(
                summary.toolResults.map(\.call.name) == ["get_current_temperature", "get_rain_probability"])

            let run = try #require(try await server.engine.runs(threadID: thread.id).last)
            #expect(run.status == .completed)
            let toolStep = try #require(
                try await server.engine.steps(threadID: thread.id, runID: run.id).first)
            let stored = toolStep.stepDetails.toolCalls?.map { $0.function.output }
            #expect(
                stored == summary.toolResults.map { $0.output },
                "the server got every output in its one submission")
            let reply = try #require(try await server.engine.messages(threadID: thread.id).last)
            #expect(reply.role == "assistant" && reply.text == summary.text)
        }
        await server.stop()
    }

    @Test func cancellingATurnCancelsTheRunOnTheServerAndTheThreadGoesOn() async throws {
        let server = try await LiveServer(
            model: DemoModel(deltaDelay: .milliseconds(80)), directory: directory)
        do {
            let (backend, driver) = try await connectClient(to: server, statePath: directory.file("client.sqlite"))
            let thread = try await backend.createThread()
            try await backend.appendUserMessage("hello, who are you?", threadID: thread.id)
            let (deltas, deltaSeen) = AsyncStream<Void>.makeStream()
            let turn = Task {
                try await driver.runTurn(threadID: thread.id, options: RunOptions()) { event in
                    if case .textDelta = event { deltaSeen.yield() }
                }
            }
            for await _ in deltas { break }
            turn.cancel()
            let summary = try await turn.value
            #expect(summary.outcome == .cancelled)
            #expect(!summary.text.isEmpty, "the partial reply is kept")

            let run = try #require(try await server.engine.runs(threadID: thread.id).last)
            #expect(run.status == .cancelled)
            let partial = try #require(try await server.engine.messages(threadID: thread.id).last)
            #expect(partial.status == "incomplete")

            try await backend.appendUserMessage(seedQuestion, threadID: thread.id)
            let next = try await driver.runTurn(threadID: thread.id, options: RunOptions()) { _ in }
            #expect(next.outcome == .completed && next.text.contains("부산"))
        }
        await server.stop()
    }
}

/// `serve --backend chat`: the Assistants API in front of a Chat Completions model.
@Suite struct ServeOverChatCompletionsTests {
    let directory = TemporaryDirectory("threadline-serve-chat")

    @Test func aToolTurnGoesThroughTheChatModelWithTheServersModelName() async throws {
        let modelServer = try await FakeHTTPServer.start()
        let calls = [
            ToolCallRequest(id: "call_t", name: "get_current_temperature", arguments: #"{"location":"부산/경상남도"}"#),
            ToolCallRequest(id: "call_r", name: "get_rain_probability", arguments: #"{"location":"부산/경상남도"}"#),
        ]
        modelServer.enqueue(
            "POST", "/v1/chat/completions", .sse(ChatCompletionsStreamFixture.calls(calls)),
            .sse(ChatCompletionsStreamFixture.text(["부산은 ", "지금 ", "맑아요."])))
        let model = ChatCompletionsModel(
            settings: HTTPSettings(baseURL: modelServer.baseURL + "/v1", apiKey: nil), model: "llama3.2")
        let server = try await LiveServer(model: model, directory: directory)
        do {
            let (backend, driver) = try await connectClient(to: server, statePath: directory.file("client.sqlite"))
            let thread = try await backend.createThread()
            try await backend.appendUserMessage("오늘 부산의 날씨는 어때요?", threadID: thread.id)
            let summary = try await driver.runTurn(threadID: thread.id, options: RunOptions()) { _ in }
            #expect(summary.outcome == .completed && summary.text == "부산은 지금 맑아요.")
            #expect(summary.toolResults.map(\.call.name) == calls.map(\.name))

            let sent = modelServer.requests("POST", "/v1/chat/completions").map { $0.body }
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0.contains(#""model":"llama3.2""#) }, "the server's model, not the assistant's gpt-4o")
            // The engine names the calls itself; the follow-up answers each under that name.
            for result in summary.toolResults {
                #expect(sent.last?.contains(#""tool_call_id":"\#(result.call.id)""#) == true)
            }
        }
        await server.stop()
    }
}

/// The transcript of a remote thread: every page of messages, with the tool calls of each run.
@Suite struct RemoteTranscriptTests {
    let directory = TemporaryDirectory("threadline-remote-transcript")

    @Test func toolCallsStandBeforeTheirReplyAndLongThreadsAreReadWhole() async throws {
        let server = try await LiveServer(model: DemoModel(deltaDelay: .zero), directory: directory)
        do {
            let (backend, driver) = try await connectClient(to: server, statePath: directory.file("client.sqlite"))
            let thread = try await backend.createThread()
            for index in 0..<120 { try await backend.appendUserMessage("note \(index)", threadID: thread.id) }
            try await backend.appendUserMessage("오늘 부산의 날씨는 어때요? 비가 올 확률은 어때요?", threadID: thread.id)
            let summary = try await driver.runTurn(threadID: thread.id, options: RunOptions()) { _ in }

            let entries = try await backend.transcript(threadID: thread.id)
            let expectedCount = 124  // 120 notes, the question, two tool calls, the reply
            #expect(entries.count == expectedCount, "past the first page of 100")
            #expect(entries.first == TranscriptEntry(kind: .user, text: "note 0"))
            let tail = Array(entries.suffix(3))
            let expectedCalls: [TranscriptEntry.Kind] = summary.toolResults.map {
                .toolCall(name: $0.call.name, arguments: $0.call.arguments, output: $0.output)
            }
            let shownCalls = tail.prefix(2).map(\.kind)
            #expect(shownCalls == expectedCalls)
            #expect(summary.toolResults.map(\.call.name) == ["get_current_temperature", "get_rain_probability"])
            #expect(tail.last == TranscriptEntry(kind: .assistant, text: summary.text))
        }
        await server.stop()
    }
}

/// `serve --backend chat` with mcp.json: the model gets the MCP servers' tools and the server
/// runs them itself, so the client sees only the reply; serve cannot ask, so a call needing
/// approval is declined unless --yes.
@Suite(.enabled(if: MCPFixtures.installed, "needs the test venv with mcp (make venv)"))
struct ServeMCPToolsTests {
    let directory = TemporaryDirectory("threadline-serve-mcp")

    /// Declines every call it is asked about, as serve does without --yes.
    private struct DeclineEverything: ToolApprover {
        func review(_ calls: [ToolCallRequest], tools: [(any Tool)?]) async -> [ApprovalVerdict] { calls.map { _ in .decline } }
    }

    /// One turn through serve whose model calls the fixture's `sleep` and then replies; returns
    /// the reply, the client's tool results and the tool outputs the model got.
    private func turn(approver: any ToolApprover) async throws -> (summary: TurnSummary, modelSaw: [String], offered: String) {
        let fixture = try await MCPHTTPFixture.start()
        let web = MCPServer(
            configuration: MCPConfiguration.Server(name: "web", transport: .http(url: fixture.url, headers: [:])),
            logDirectory: directory.path, environment: [:])
        await web.start()
        let tools = web.status.tools.map { MCPTool(server: web, tool: $0) }
        let modelServer = try await FakeHTTPServer.start()
        modelServer.enqueue(
            "POST", "/v1/chat/completions",
            .sse(ChatCompletionsStreamFixture.calls([ToolCallRequest(id: "call_s", name: "web__sleep", arguments: #"{"seconds": 0}"#)])),
            .sse(ChatCompletionsStreamFixture.text(["Rested."])))
        let model = InProcessToolsModel(
            base: ChatCompletionsModel(settings: HTTPSettings(baseURL: modelServer.baseURL + "/v1", apiKey: nil), model: "llama3.2"),
            definitions: tools.map(\.definition), runner: ToolRunner(registry: ToolRegistry(tools), timeout: .seconds(60)),
            approver: approver)
        let server = try await LiveServer(model: model, directory: directory)
        let summary: TurnSummary
        do {
            let (backend, driver) = try await connectClient(to: server, statePath: directory.file("client.sqlite"))
            let thread = try await backend.createThread()
            try await backend.appendUserMessage("Rest a moment.", threadID: thread.id)
            summary = try await driver.runTurn(threadID: thread.id, options: RunOptions()) { _ in }
        } catch {
            await server.stop()
            await web.stop()
            throw error
        }
        await server.stop()
        await web.stop()
        let requests = modelServer.requests("POST", "/v1/chat/completions")
        let messages = requests.last?.json?["messages"]?.arrayValue ?? []
        let outputs = messages.filter { $0["role"]?.stringValue == "tool" }.compactMap { $0["content"]?.stringValue }
        return (summary, outputs, requests.first?.body ?? "")
    }

    @Test func theModelCallsAnMCPToolThatServeRunsAndTheClientGetsTheReply() async throws {
        let (summary, modelSaw, offered) = try await turn(approver: ApproveAll())
        #expect(offered.contains(#""name":"web__sleep""#) && offered.contains(#""name":"get_current_temperature""#))
        #expect(summary.outcome == .completed && summary.text == "Rested.")
        #expect(summary.toolResults.isEmpty, "the client never sees the MCP call")
        #expect(modelSaw == ["slept 0.0"])
    }

    @Test func withoutYesACallNeedingApprovalIsDeclined() async throws {
        let (summary, modelSaw, _) = try await turn(approver: DeclineEverything())
        #expect(summary.text == "Rested.")
        #expect(modelSaw == [#"{"error":"the user declined this call"}"#])
    }
}
