import Foundation
import Synchronization

/// The result of one tool call as shown to the user and sent to the backend.
public struct ToolCallResult: Sendable, Equatable {
    public var call: ToolCallRequest
    public var output: String
    /// True when `output` is an `{"error": ...}` produced by Threadline.
    public var isError: Bool

    public init(call: ToolCallRequest, output: String, isError: Bool) {
        self.call = call
        self.output = output
        self.isError = isError
    }
}

/// Runs all calls of one step concurrently, each under a timeout; never throws.
public struct ToolRunner: Sendable {
    public var registry: ToolRegistry
    public var timeout: Duration

    public init(registry: ToolRegistry, timeout: Duration) {
        self.registry = registry
        self.timeout = timeout
    }

    /// Results in call order, whatever order the calls finish in.
    public func run(_ calls: [ToolCallRequest]) async -> [ToolCallResult] {
        await withTaskGroup(of: (Int, ToolCallResult).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask { (index, await runOne(call)) }
            }
            var results = [ToolCallResult?](repeating: nil, count: calls.count)
            for await (index, result) in group {
                results[index] = result
            }
            return results.compactMap { $0 }
        }
    }

    private func runOne(_ call: ToolCallRequest) async -> ToolCallResult {
        guard let tool = registry.tool(named: call.name) else {
            return .failure(call, "unknown tool '\(call.name)'")
        }
        let arguments: [String: JSONValue]
        do {
            arguments = try ArgumentValidator.validate(arguments: call.arguments, schema: tool.parametersSchema)
        } catch {
            return .failure(call, "\(error)")
        }
        let timeout = tool.timeout ?? timeout
        // The call runs in a task of its own, raced against the deadline: a tool that ignores
        // cancellation is cancelled and left behind, and cannot hold the turn past the timeout.
        let first = FirstResult()
        let work = Task {
            do {
                first.resolve(ToolCallResult(call: call, output: try await tool.call(arguments: arguments), isError: false))
            } catch is CancellationError {
                first.resolve(.failure(call, "cancelled"))
            } catch {
                first.resolve(.failure(call, "\(error)"))
            }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            first.resolve(.failure(call, "timed out after \(timeout.formattedSeconds)"))
        }
        let result = await withTaskCancellationHandler {
            await first.value()
        } onCancel: {
            first.resolve(.failure(call, "cancelled"))
        }
        work.cancel()
        timer.cancel()
        return result
    }
}

/// The first of several racing results; later ones are dropped.
private final class FirstResult: Sendable {
    private enum State {
        case waiting(CheckedContinuation<ToolCallResult, Never>?)
        case resolved(ToolCallResult)
    }

    private let state = Mutex(State.waiting(nil))

    func resolve(_ result: ToolCallResult) {
        let waiter: CheckedContinuation<ToolCallResult, Never>? = state.withLock { state in
            guard case .waiting(let waiter) = state else { return nil }
            state = .resolved(result)
            return waiter
        }
        waiter?.resume(returning: result)
    }

    func value() async -> ToolCallResult {
        await withCheckedContinuation { continuation in
            let resolved: ToolCallResult? = state.withLock { state in
                switch state {
                case .resolved(let result): return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let resolved { continuation.resume(returning: resolved) }
        }
    }
}

extension ToolCallResult {
    /// An error output in the `{"error": "..."}` form models understand.
    static func failure(_ call: ToolCallRequest, _ message: String) -> ToolCallResult {
        ToolCallResult(call: call, output: JSONValue.object(["error": .string(message)]).jsonText, isError: true)
    }
}
