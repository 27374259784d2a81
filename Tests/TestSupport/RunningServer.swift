import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application serving on a free loopback port for a test. `stop()` shuts it down
/// gracefully first: cancelling the serving task while a connection is open can trip NIO's
/// "writer deinited without finish()" check and crash the whole test process.
public final class RunningServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts the application `make` builds around the port callback it is given.
    public static func start<App: ApplicationProtocol>(
        _ make: (@escaping @Sendable (Int) async -> Void) -> App
    ) async throws -> RunningServer {
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let application = make { port in
            announce.yield(port)
            announce.finish()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [application], gracefulShutdownSignals: [],
                logger: Logger(label: "test-server", factory: { _ in SwiftLogNoOpLogHandler() })))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the test server did not start"])
        }
        return RunningServer(port: port, group: group, task: task)
    }

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// Shuts down gracefully; a request still hanging after `patience` is cut by cancellation.
    public func stop(patience: Duration = .seconds(3)) async {
        await group.triggerGracefulShutdown()
        let task = task
        let deadline = Task {
            try await Task.sleep(for: patience)
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
    }
}
