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
    /// This process's environment, as `posix_spawn` takes it.
    static var environment: UnsafePointer<UnsafeMutablePointer<CChar>?> {
        #if canImport(Glibc)
            UnsafePointer(environ)
        #elseif canImport(Darwin)
            UnsafePointer(_NSGetEnviron().pointee!)
        #endif
    }

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
}

#if canImport(Glibc)
    /// glibc functions Swift's Glibc module leaves out (they need _GNU_SOURCE), looked up at run
    /// time. Both exist since glibc 2.34; without them a pipe is marked close-on-exec just after
    /// it is made, and children inherit what others left open.
    private enum GlibcExtras {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        static let pipe2: Pipe2? = symbol("pipe2")
        static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

        private static func symbol<T>(_ name: String) -> T? {
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: T.self)
        }
    }
#endif
