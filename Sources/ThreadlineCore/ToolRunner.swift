import Foundation

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
        return await withTaskGroup(of: ToolCallResult?.self) { group in
            group.addTask {
                do {
                    let output = try await tool.call(arguments: arguments)
                    return ToolCallResult(call: call, output: output, isError: false)
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(call, "\(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(call, "timed out after \(timeout.formattedSeconds)")
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let result = next { return result }
            }
            return .failure(call, "cancelled")
        }
    }
}

extension ToolCallResult {
    /// An error output in the `{"error": "..."}` form models understand.
    static func failure(_ call: ToolCallRequest, _ message: String) -> ToolCallResult {
        ToolCallResult(call: call, output: JSONValue.object(["error": .string(message)]).jsonText, isError: true)
    }
}
