import Foundation
import Synchronization
import Testing
import ThreadlineCore

/// A tool whose behaviour is a closure.
struct ClosureTool: Tool {
    var name: String
    var provider: String = "test"
    var parametersSchema: String
    var approval: ToolApproval
    var body: @Sendable ([String: JSONValue]) async throws -> String

    init(
        _ name: String, schema: String = ClosureTool.locationSchema, approval: ToolApproval = .auto,
        body: @escaping @Sendable ([String: JSONValue]) async throws -> String
    ) {
        self.name = name
        self.parametersSchema = schema
        self.approval = approval
        self.body = body
    }

    func call(arguments: [String: JSONValue]) async throws -> String {
        try await body(arguments)
    }

    static let locationSchema = """
        {"type":"object","properties":{"location":{"type":"string"},"days":{"type":"integer"},
         "metric":{"type":"boolean"}},"required":["location"]}
        """
}

/// Named one-shot gates: `wait` suspends until `open` is called for that name, or until the
/// waiting task is cancelled (then it throws `CancellationError`).
actor Gates {
    private var opened: Set<String> = []
    private var waiters: [String: [UUID: CheckedContinuation<Void, any Error>]] = [:]

    func open(_ name: String) {
        opened.insert(name)
        for continuation in (waiters.removeValue(forKey: name) ?? [:]).values {
            continuation.resume()
        }
    }

    func isOpen(_ name: String) -> Bool { opened.contains(name) }

    func wait(_ name: String) async throws {
        if opened.contains(name) { return }
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else if opened.contains(name) {
                    continuation.resume()
                } else {
                    waiters[name, default: [:]][id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(name, id) }
        }
    }

    private func cancelWaiter(_ name: String, _ id: UUID) {
        waiters[name]?.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }
}

/// Releases every party once `parties` of them have arrived; waiting is cancellable.
actor Barrier {
    let parties: Int
    private(set) var arrived = 0
    private let gates = Gates()

    init(parties: Int) { self.parties = parties }

    /// Returns how many parties had arrived when this one was released.
    func arriveAndWait() async throws -> Int {
        arrived += 1
        if arrived >= parties { await gates.open("all") }
        try await gates.wait("all")
        return arrived
    }
}

/// An append-only log shared between tasks.
final class Log<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }

    var entries: [Element] { storage.withLock { $0 } }
}

/// The message of an `{"error": "..."}` output, or nil when `output` is not one.
func errorMessage(_ output: String) -> String? {
    guard let object = (try? JSONValue.parse(output))?.objectValue, object.count == 1 else { return nil }
    return object["error"]?.stringValue
}

func call(_ id: String, _ name: String, _ arguments: String) -> ToolCallRequest {
    ToolCallRequest(id: id, name: name, arguments: arguments)
}
