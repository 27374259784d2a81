import Backends
import Foundation
import Server
import TestSupport

/// `threadline serve` running in this process on a free loopback port, over its own SQLite file.
struct LiveServer {
    let engine: LocalEngine
    let baseURL: String
    private let server: RunningServer

    init(model: any LanguageModel, directory: TemporaryDirectory, settings: ServeSettings = ServeSettings(port: 0)) async throws {
        let engine = try LocalEngine(databasePath: directory.file("serve.sqlite"), model: model)
        self.engine = engine
        server = try await RunningServer.start { onListening in
            AssistantsServer(engine: engine, settings: settings).application(onListening: onListening)
        }
        baseURL = "http://127.0.0.1:\(server.port)/v1"
    }

    func stop() async {
        await server.stop()
    }
}
