import AssistantsWire
import Foundation
import HTTPSupport
import TestSupport
import Testing
import ThreadlineCore
import Tools

@testable import Backends

/// The Assistants client against a scripted server: what it leaves on the server when a
/// stream breaks.
@Suite("AssistantsHTTPBackend", .timeLimit(.minutes(1)))
struct AssistantsHTTPBackendTests {
    let state = TemporaryDirectory("threadline-assistants")

    /// A server that knows one assistant, one thread and its messages; `runs` answers run creation.
    func server(runs: FakeReply) async throws -> FakeHTTPServer {
        let run = Run(
            id: "run_1", createdAt: 1, threadID: "thread_1", assistantID: "asst_1", status: .cancelling, model: "m",
            instructions: nil, tools: [], expiresAt: nil)
        var running = run
        running.status = .inProgress
        running.createdAt = Int(Date().timeIntervalSince1970)
        let server = try await FakeHTTPServer.start { [running] request in
            switch (request.method, request.path) {
            case ("POST", "/v1/assistants"):
                .json(WireCoding.jsonText(Assistant(id: "asst_1", createdAt: 1, model: "m", instructions: nil, tools: [])))
            case ("POST", "/v1/threads/thread_1/messages"):
                .json(
                    WireCoding.jsonText(
                        Message(id: "msg_1", createdAt: 1, threadID: "thread_1", status: .completed, role: "user", text: "hi")))
            case ("POST", "/v1/threads/thread_1/runs/run_1/cancel"): .json(WireCoding.jsonText(run))
            case ("GET", "/v1/threads/thread_1/runs"):
                .json(#"{"object":"list","data":[\#(WireCoding.jsonText(running))],"has_more":false}"#)
            default: nil
            }
        }
        server.enqueue("POST", "/v1/threads/thread_1/runs", runs)
        return server
    }

    @Test func aStreamBrokenAfterTheRunStartedCancelsTheRunOnTheServer() async throws {
        let created = Run(
            id: "run_1", createdAt: 1, threadID: "thread_1", assistantID: "asst_1", status: .queued, model: "m",
            instructions: nil, tools: [], expiresAt: nil)
        let server = try await server(
            runs: FakeReply.sse(["event: thread.run.created\ndata: \(WireCoding.jsonText(created))\n\n"]).droppingConnection())
        let backend = try await AssistantsHTTPBackend(
            settings: fakeSettings(server), statePath: state.file("state.sqlite"), definition: DefaultConfiguration.assistant,
            assistantID: nil)
        try await backend.appendUserMessage("hi", threadID: "thread_1")

        var started: String?
        await #expect(throws: HTTPError.self) {
            for try await event in try await backend.streamRun(threadID: "thread_1", options: RunOptions()) {
                if case .started(let id) = event { started = id }
            }
        }

        #expect(started == "run_1")
        #expect(server.requests("POST", "/v1/threads/thread_1/runs/run_1/cancel").count == 1)
    }

    @Test func ctrlCBeforeTheRunsIdArrivedStillCancelsTheRunOnTheServer() async throws {
        // The server took the run but sends nothing yet.
        let server = try await server(runs: FakeReply.sse([]).stalling())
        defer { server.releaseStalled() }
        let backend = try await AssistantsHTTPBackend(
            settings: fakeSettings(server), statePath: state.file("state.sqlite"), definition: DefaultConfiguration.assistant,
            assistantID: nil)
        let reader = Task {
            for try await _ in try await backend.streamRun(threadID: "thread_1", options: RunOptions()) {}
        }
        #expect(await eventually { server.requests("POST", "/v1/threads/thread_1/runs").count == 1 })

        reader.cancel()
        _ = await reader.result

        #expect(await eventually { server.requests("POST", "/v1/threads/thread_1/runs/run_1/cancel").count == 1 })
    }

    @Test func aSecondCtrlCStopsWaitingForACancelTheServerNeverAnswers() async throws {
        let created = Run(
            id: "run_1", createdAt: 1, threadID: "thread_1", assistantID: "asst_1", status: .queued, model: "m",
            instructions: nil, tools: [], expiresAt: nil)
        let events = [
            "event: thread.run.created\ndata: \(WireCoding.jsonText(created))\n\n",
            "event: thread.message.delta\ndata: \(WireCoding.jsonText(MessageDelta(messageID: "msg_2", text: "Hel")))\n\n",
        ]
        let server = try await server(runs: FakeReply.sse(events).stalling())
        defer { server.releaseStalled() }
        // A black hole: the cancel request is taken and never answered (the client's deadline is 5 s).
        server.enqueue("POST", "/v1/threads/thread_1/runs/run_1/cancel", FakeReply.sse([]).stalling())
        let backend = try await AssistantsHTTPBackend(
            settings: fakeSettings(server), statePath: state.file("state.sqlite"), definition: DefaultConfiguration.assistant,
            assistantID: nil)
        let (deltas, signal) = AsyncStream<String>.makeStream()
        let cancelWait = CancelWait()
        let turn = Task {
            try await RunDriver(backend: backend, toolRunner: weatherTools)
                .runTurn(threadID: "thread_1", options: RunOptions(), cancelWait: cancelWait) {
                    if case .textDelta(let delta) = $0 { signal.yield(delta) }
                }
        }
        for await _ in deltas { break }

        turn.cancel()  // the first Ctrl-C
        #expect(await eventually { server.requests("POST", "/v1/threads/thread_1/runs/run_1/cancel").count == 1 })
        cancelWait.abandon()  // the second
        let summary = try await turn.value

        #expect(summary.outcome == .cancelled)
        #expect(summary.cancelAbandoned)
        #expect(summary.text == "Hel")
    }
}
