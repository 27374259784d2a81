import Backends
import Foundation
import Server
import TestSupport

/// `threadline serve` running in this process on a free loopback port, over its own SQLite file.
struct LiveServer {
    let engine: LocalEngine
    let baseURL: String
    private let task: Task<Void, any Error>

    init(
        model: any LanguageModel, directory: TemporaryDirectory,
        settings: ServeSettings = ServeSettings(port: 0)
    ) async throws {
        engine = try LocalEngine(databasePath: directory.file("serve.sqlite"), model: model)
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let application = AssistantsServer(engine: engine, settings: settings).application {
            announce.yield($0)
        }
        task = Task { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        baseURL = "http://127.0.0.1:\(port)/v1"
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
