import Backends
import Hummingbird
import Logging

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
        try await application(onListening: onListening).runService()
        await engine.cancelActiveRuns()
    }
}
