import ArgumentParser
import Foundation
import Hummingbird

/// `threadline-bench hello-server`: a Hummingbird server with one `GET /hello` route, the ceiling
/// `serve` is measured against. It lives here so that it is never part of the `threadline` binary.
struct HelloServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello-server",
        abstract: "Serve GET /hello on 127.0.0.1 (the serve benchmark's ceiling); prints the address on stderr.")

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 0

    func run() async throws {
        let router = Router()
        router.get("hello") { _, _ in "hello" }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                FileHandle.standardError.write(Data("hello-server: http://127.0.0.1:\(bound)/hello\n".utf8))
            })
        try await app.runService()
    }
}
