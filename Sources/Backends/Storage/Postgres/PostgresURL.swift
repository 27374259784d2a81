import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL, as `--database` takes it. Its
/// `description` (what errors and notices show) never holds the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values: `disable` never uses TLS, `prefer` (the default) uses it when the
    /// server offers it, `require` insists on it without checking the certificate, `verify-ca`
    /// checks the certificate's chain and `verify-full` also the host name.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    var password: String?
    public var database: String?
    public var tlsMode: TLSMode
    /// `sslrootcert`: a PEM file of the certificate authorities to trust instead of the system's.
    public var rootCertificates: String?

    /// True when `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func names(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses `text`; a refusal never quotes the password.
    public init(_ text: String) throws(PostgresURLError) {
        guard Self.names(text), let components = URLComponents(string: text) else {
            throw PostgresURLError("--database \(Self.redacted(text)): expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let shown = Self.redacted(text)
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError("--database \(shown): the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError("--database \(shown): the URL names no user") }
        self.host = host
        port = components.port ?? 5432
        username = user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        tlsMode = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw PostgresURLError(
                        "--database \(shown): sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tlsMode = mode
            case "sslrootcert":
                rootCertificates = item.value
            default:
                throw PostgresURLError("--database \(shown): unknown parameter '\(item.name)' (sslmode and sslrootcert are understood)")
            }
        }
    }

    /// The URL with `***` for the password.
    public var description: String {
        var text = "postgres://" + (Self.encoded(username)) + (password == nil ? "" : ":***") + "@"
        text += (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        if let database { text += "/" + Self.encoded(database) }
        var query: [String] = []
        if tlsMode != .prefer { query.append("sslmode=\(tlsMode.rawValue)") }
        if let rootCertificates { query.append("sslrootcert=\(rootCertificates)") }
        return query.isEmpty ? text : text + "?" + query.joined(separator: "&")
    }

    /// Any text given as a database URL with its password (whatever lies between `user:` and
    /// the last `@` of the authority) replaced by `***`, for messages about text that did not parse.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<rest.index(after: colon)]) + "***" + String(text[at...])
    }

    private static func encoded(_ part: String) -> String {
        part.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? part
    }

    /// The TLS settings of `tlsMode` (nil for `disable`), with `sslrootcert` as the trust roots.
    func tlsConfiguration() -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificates { configuration.trustRoots = .file(rootCertificates) }
        return configuration
    }

    /// The pool's settings.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch (tlsMode, tlsConfiguration()) {
            case (.disable, _), (_, nil): .disable
            case (.prefer, let configuration?): .prefer(configuration)
            case (_, let configuration?): .require(configuration)
            }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The settings of one connection outside the pool (the migrations at start).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch (tlsMode, tlsConfiguration()) {
            case (.disable, _), (_, nil): .disable
            case (.prefer, let configuration?): .prefer(try NIOSSLContext(configuration: configuration))
            case (_, let configuration?): .require(try NIOSSLContext(configuration: configuration))
            }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

/// A `--database` URL that cannot be used; its text never holds the password.
public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
