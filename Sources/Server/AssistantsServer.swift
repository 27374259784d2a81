import Backends
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `threadline serve`: the Assistants v2 API of a `LocalEngine` over HTTP.
public struct AssistantsServer: Sendable {
    public let engine: LocalEngine
    public let settings: ServeSettings

    public init(engine: LocalEngine, settings: ServeSettings) {
        self.engine = engine
        self.settings = settings
    }

    /// The application, not yet running; `onListening` gets the bound port (useful with port 0).
    public func application(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        AssistantsAPI(engine: engine, settings: settings).register(on: router)
        var logger = Logger(label: "threadline.serve")
        logger.logLevel = .warning
        let port = settings.port
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "threadline"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, lets requests in flight finish, then ends the runs still
    /// executing so none is left looking alive in the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        do {
            try await application(onListening: onListening).runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServeError.portInUse(host: settings.host, port: settings.port)
        }
        await engine.cancelActiveRuns()
    }
}

/// `serve` could not start, in words.
public enum ServeError: Error, Equatable, CustomStringConvertible {
    case portInUse(host: String, port: Int)

    public var description: String {
        switch self {
        case .portInUse(let host, let port):
            "port \(port) on \(host) is already in use — stop what listens there, or give --port 0 to take a free port"
        }
    }
}
