/// Which database keeps the local engine's threads: the SQLite file (the default) or a
/// PostgreSQL database that several processes and machines share.
public enum ThreadDatabase: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// `url` (from `--database`, else `THREADLINE_DATABASE_URL`) when given, else the SQLite file
    /// at `sqlitePath`. Only PostgreSQL URLs are taken; a refusal never shows the password.
    public static func resolve(url: String?, sqlitePath: String) throws(PostgresURLError) -> ThreadDatabase {
        guard let url, !url.isEmpty else { return .sqlite(path: sqlitePath) }
        return .postgres(try PostgresURL(url))
    }

    /// Opens the store (creating and migrating the database as needed).
    public func open() async throws -> any ThreadStore {
        switch self {
        case .sqlite(let path): try SQLiteThreadStore(path: path)
        case .postgres(let url): try await PostgresThreadStore.open(url)
        }
    }

    /// The file's path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}
