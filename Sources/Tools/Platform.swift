import Foundation
import ThreadlineCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What spawning a child needs that differs between glibc and Darwin, in one place; the rest of
/// the module is plain POSIX.
enum Platform {
    /// Fresh, not yet initialized spawn actions and attributes (a struct in glibc, a pointer in Darwin).
    static func spawnSettings() -> (posix_spawn_file_actions_t, posix_spawnattr_t) {
        #if canImport(Glibc)
            (posix_spawn_file_actions_t(), posix_spawnattr_t())
        #elseif canImport(Darwin)
            (nil, nil)
        #endif
    }

    /// A pipe whose two ends are closed on exec, so no other child inherits them.
    static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let status = fds.withUnsafeMutableBufferPointer { buffer in
            #if canImport(Glibc)
                if let pipe2 = GlibcExtras.pipe2 { return pipe2(buffer.baseAddress!, O_CLOEXEC) }
            #endif
            guard pipe(buffer.baseAddress!) == 0 else { return -1 }
            for fd in buffer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        guard status == 0 else { throw ToolError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        return (fds[0], fds[1])
    }

    /// Makes the child close every descriptor but 0–2; returns the spawn flags that takes.
    static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) -> Int32 {
        #if canImport(Glibc)
            _ = GlibcExtras.addCloseFrom?(&actions, 3)
            return 0
        #elseif canImport(Darwin)
            // Darwin closes whatever the file actions do not name.
            return POSIX_SPAWN_CLOEXEC_DEFAULT
        #endif
    }

    /// Makes the child start in `directory`.
    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) throws {
        #if canImport(Glibc)
            guard let addChdir = GlibcExtras.addChdir else { throw ToolError("this system cannot start a program in another directory") }
            _ = addChdir(&actions, directory)
        #elseif canImport(Darwin)
            _ = posix_spawn_file_actions_addchdir_np(&actions, directory)
        #endif
    }

    /// Starts `arguments` (the program looked up on PATH) with `descriptors` as its 0, 1 and 2,
    /// in a process group of its own (so a signal to the group also ends what it started), with
    /// default signal handling, every other descriptor closed, and only `environment`.
    static func spawn(
        _ arguments: [String], descriptors: (Int32, Int32, Int32), environment: [String: String], directory: String? = nil
    ) throws -> pid_t {
        guard let program = arguments.first, !program.isEmpty else { throw ToolError("the command is empty") }
        var (actions, attributes) = spawnSettings()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, descriptors.0, 0)
        posix_spawn_file_actions_adddup2(&actions, descriptors.1, 1)
        posix_spawn_file_actions_adddup2(&actions, descriptors.2, 2)
        if let directory { try changeDirectory(&actions, to: directory) }
        let closeFlags = closeOtherDescriptors(&actions)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | closeFlags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        // PATH lookup uses the child's PATH, as a shell started with that environment would.
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        let executable =
            program.contains("/")
            ? program
            : path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? program
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = ChildEnvironment.entries(environment).map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw ToolError("cannot start '\(program)': \(String(cString: strerror(status)))") }
        return pid
    }
}

#if canImport(Glibc)
    /// glibc functions Swift's Glibc module leaves out (they need _GNU_SOURCE), looked up at run
    /// time. Both exist since glibc 2.34; without them a pipe is marked close-on-exec just after
    /// it is made, and children inherit what others left open.
    private enum GlibcExtras {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        static let pipe2: Pipe2? = symbol("pipe2")
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

        static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

        private static func symbol<T>(_ name: String) -> T? {
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: T.self)
        }
    }
#endif
