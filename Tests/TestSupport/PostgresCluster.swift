import Foundation

/// A throw-away PostgreSQL cluster for the tests: `initdb` in a fresh temp dir, `pg_ctl start`
/// on a free loopback port, logins by password. One per test process, started on first use and
/// stopped and removed when the process exits (whatever the tests did). Each test takes a
/// database of its own (`createDatabase`). Without PostgreSQL installed this throws: `make test`
/// installs it, so a missing server is a failure, never a skipped test.
public final class PostgresCluster: Sendable {
    /// The login every database of the cluster is reached with.
    public static let user = "threadline"
    /// Its password: the tests check that it never shows up in output.
    public let password = "pw-" + UUID().uuidString.prefix(12).lowercased()
    public let port: Int
    public let directory: String
    /// The server's self-signed certificate (for 127.0.0.1): what `sslrootcert` trusts.
    public var certificate: String { directory + "/server.crt" }
    let binDirectory: String

    /// The cluster of this test process, started once.
    public static func shared() async throws -> PostgresCluster {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try started.get() }) }
        }
    }

    nonisolated(unsafe) private static var startedOnce: Result<PostgresCluster, any Error>?
    private static let lock = NSLock()
    private static var started: Result<PostgresCluster, any Error> {
        lock.withLock {
            if let startedOnce { return startedOnce }
            let result = Result { try PostgresCluster() }
            startedOnce = result
            if case .success = result { atexit { try? PostgresCluster.started.get().stop() } }
            return result
        }
    }

    /// The URL of `database` with this cluster's login, without TLS (the tests of TLS ask for it).
    public func url(database: String, password: String? = nil) -> String {
        "postgres://\(Self.user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates an empty database and answers its URL.
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased()
        try run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", Self.user, name])
        return url(database: name)
    }

    /// The rows `sql` selects in the database at `url`, one line each (columns split by `|`).
    public func psql(_ url: String, _ sql: String) throws -> String {
        try run("psql", [url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    private init() throws {
        binDirectory = try Self.findBinaries()
        directory = FileManager.default.temporaryDirectory.path + "/threadline-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/sock", withIntermediateDirectories: true)
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/pwfile"))
        // initdb refuses to run as root: as root, the cluster belongs to the `postgres` user.
        if getuid() == 0 {
            guard let account = getpwnam("postgres") else {
                throw ClusterError("running as root, and there is no 'postgres' user to run initdb as")
            }
            for path in [directory, directory + "/sock", directory + "/pwfile"] {
                chown(path, account.pointee.pw_uid, account.pointee.pw_gid)
            }
        }
        chmod(directory, 0o700)
        port = try Self.freePort()
        try run(
            "initdb",
            [
                "-D", directory + "/data", "-U", Self.user, "--pwfile=" + directory + "/pwfile", "--auth-host=scram-sha-256",
                "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync",
            ])
        // TLS with a certificate of its own for 127.0.0.1, so sslmode is tested against a real handshake.
        try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory + "/server.key", "-out", certificate,
            ])
        // The server refuses a key others could read.
        chmod(directory + "/server.key", 0o600)
        try run(
            "pg_ctl",
            [
                "start", "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                "-p \(port) -k \(directory)/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c ssl=on "
                    + "-c ssl_cert_file=\(certificate) -c ssl_key_file=\(directory)/server.key",
            ])
    }

    /// Stops the server at once and removes its files.
    func stop() {
        _ = try? run("pg_ctl", ["stop", "-D", directory + "/data", "-m", "immediate", "-w"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a PostgreSQL program (as `postgres` when this process is root: initdb refuses root) and
    /// waits for it; throws with its output when it fails. Spawned and reaped here rather than
    /// with Foundation's `Process`, which missed the exit of `pg_ctl start` (whose server lives on).
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let executable = program.hasPrefix("/") ? program : binDirectory + "/" + program
        let command =
            getuid() == 0
            ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", executable] + arguments
            : [executable] + arguments
        let outputPath = directory + "/\((program as NSString).lastPathComponent)-\(UUID().uuidString).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password, "LC_ALL": "C"]) { $1 }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = spawning {
            // The server outlives this call: it must hold none of the test process's other descriptors
            // (a pipe end it kept would keep another test waiting for its end).
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
            return posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        }
        guard spawned == 0 else { throw ClusterError("cannot start \(command[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outputPath)
        // Exited normally with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
            throw ClusterError("\(program) failed (wait status \(status)): \(output)\(log)")
        }
        return output
    }

    /// The newest `/usr/lib/postgresql/VERSION/bin` with `initdb` in it.
    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        guard let newest = versions.last else {
            throw ClusterError(
                "PostgreSQL is not installed (no \(root)/*/bin/initdb): `make test` installs it (scripts/ensure-deps.sh test), "
                    + "or apt-get install postgresql")
        }
        return "\(root)/\(newest)/bin"
    }

    /// A port on 127.0.0.1 nothing listens on now.
    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ClusterError("no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw ClusterError("cannot bind a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The test cluster could not be set up.
public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
