import AssistantsWire
import Foundation
import HTTPSupport
import ThreadlineCore

/// The threads of a remote backend (Assistants threads, Responses conversations): created and
/// deleted on the server, their ids, first lines and order remembered in the local store, so
/// `/threads`, `/resume` and `--continue` need no list endpoint.
struct RemoteThreads: Sendable {
    let api: APIClient
    let store: RemoteBookkeeping
    /// The store's key for these threads (one base URL may serve both kinds).
    let storeKey: String
    /// The server's collection: `/threads` or `/conversations`.
    let collection: String

    /// What both kinds of thread object share.
    private struct Created: Decodable, Sendable {
        var id: String
        var createdAt: Int

        enum CodingKeys: String, CodingKey {
            case id
            case createdAt = "created_at"
        }
    }

    func create() async throws -> ThreadSummary {
        let created = try await api.json(.POST, collection, body: [String: String](), as: Created.self)
        try store.rememberThread(baseURL: storeKey, id: created.id, createdAt: created.createdAt)
        return ThreadSummary(id: created.id, createdAt: Self.date(created.createdAt), title: nil)
    }

    func thread(id: String) async throws -> ThreadSummary {
        let found = try await notFoundAsThread(id) { try await api.json(.GET, "\(collection)/\(id)", as: Created.self) }
        try store.rememberThread(baseURL: storeKey, id: found.id, createdAt: found.createdAt)
        return ThreadSummary(
            id: found.id, createdAt: Self.date(found.createdAt), title: try store.threadTitle(baseURL: storeKey, id: id))
    }

    func list(limit: Int) throws -> [ThreadSummary] {
        try store.threads(baseURL: storeKey, limit: limit).map {
            ThreadSummary(id: $0.id, createdAt: Self.date($0.createdAt), title: $0.title)
        }
    }

    func delete(id: String) async throws {
        struct Deleted: Decodable { var deleted: Bool }
        _ = try await notFoundAsThread(id) { try await api.json(.DELETE, "\(collection)/\(id)", as: Deleted.self) }
        try store.forgetThread(baseURL: storeKey, id: id)
    }

    /// Records a user line: it titles a new thread and moves the thread to the top of the list.
    func touch(id: String, userLine text: String) throws {
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        try store.touchThread(baseURL: storeKey, id: id, userLine: firstLine)
    }

    private static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}

/// Runs `body`, turning the server's 404 into `BackendError.threadNotFound(id)`.
nonisolated(nonsending) func notFoundAsThread<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch HTTPError.api(status: 404, _) {
        throw BackendError.threadNotFound(id)
    }
}
