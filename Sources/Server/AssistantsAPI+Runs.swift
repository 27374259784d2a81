import AssistantsWire
import Backends
import Hummingbird

extension AssistantsAPI {
    @Sendable func createRun(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        let body = try await decode(CreateRunBody.self, from: request)
        _ = try await engine.thread(id: threadID)
        return try await startRun(on: threadID, body)
    }

    /// `POST /threads/runs`: a new thread with the body's messages, then a run on it; a stream
    /// opens with `thread.created`.
    @Sendable func createThreadAndRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await decode(CreateRunBody.self, from: request)
        _ = try await engine.assistant(id: body.assistantID)
        let thread = try await makeThread(body.thread ?? CreateThreadBody())
        return try await startRun(on: thread.id, body, prefix: [.threadCreated(thread)], isNew: true)
    }

    /// `isNew`: the thread was just made with the assistant checked, so it has no active run
    /// and the two look-ups (the latter waiting for the engine's turn) are skipped.
    private func startRun(on threadID: String, _ body: CreateRunBody, prefix: [StreamEvent] = [], isNew: Bool = false)
        async throws -> Response
    {
        if !isNew { _ = try await engine.assistant(id: body.assistantID) }
        let additional = body.additionalMessages ?? []
        try validate(additional)
        if !isNew, let active = try await engine.activeRun(threadID: threadID) {
            throw APIFailure.invalid("Thread \(threadID) already has an active run \(active.id).")
        }
        try await append(additional, to: threadID)
        let stream = try await engine.createRun(
            threadID: threadID,
            request: RunRequest(
                assistantID: body.assistantID, instructions: body.instructions,
                additionalInstructions: body.additionalInstructions, model: body.model, tools: body.tools,
                toolChoice: body.toolChoice, parallelToolCalls: body.parallelToolCalls,
                metadata: body.metadata))
        return try await respond(to: stream, streaming: body.stream == true, prefix: prefix)
    }

    @Sendable func listRuns(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        return try await list(request, .runs(threadID: threadID))
    }

    @Sendable func retrieveRun(_ request: Request, context: Context) async throws -> Response {
        WireResponse.json(
            try await engine.run(
                threadID: context.parameters.require("thread_id"), id: context.parameters.require("run_id"))
        )
    }

    @Sendable func updateRun(_ request: Request, context: Context) async throws -> Response {
        let body = try await decode(MetadataBody.self, from: request)
        let run = try await engine.updateRunMetadata(
            threadID: context.parameters.require("thread_id"),
            runID: context.parameters.require("run_id"),
            metadata: body.metadata ?? [:])
        return WireResponse.json(run)
    }

    @Sendable func cancelRun(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        let runID = try context.parameters.require("run_id")
        let run = try await engine.run(threadID: threadID, id: runID)
        guard !run.status.isTerminal else {
            throw APIFailure.invalid("Cannot cancel run with status '\(run.status)'.")
        }
        return WireResponse.json(try await engine.cancelRun(threadID: threadID, runID: runID))
    }

    @Sendable func submitToolOutputs(_ request: Request, context: Context) async throws -> Response {
        let body = try await decode(SubmitToolOutputsBody.self, from: request)
        let stream = try await engine.submitToolOutputs(
            threadID: context.parameters.require("thread_id"),
            runID: context.parameters.require("run_id"),
            outputs: body.toolOutputs)
        return try await respond(to: stream, streaming: body.stream == true)
    }

    @Sendable func listSteps(_ request: Request, context: Context) async throws -> Response {
        let threadID = try context.parameters.require("thread_id")
        let runID = try context.parameters.require("run_id")
        return try await list(request, .steps(threadID: threadID, runID: runID))
    }

    @Sendable func retrieveStep(_ request: Request, context: Context) async throws -> Response {
        WireResponse.json(
            try await engine.step(
                threadID: context.parameters.require("thread_id"), runID: context.parameters.require("run_id"),
                id: context.parameters.require("step_id")))
    }
}
