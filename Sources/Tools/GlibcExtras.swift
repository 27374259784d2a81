import Foundation
import ThreadlineCore

/// glibc functions Swift's Glibc module leaves out (they need _GNU_SOURCE), looked up at run
/// time. Both exist since glibc 2.34; without them a pipe is marked close-on-exec just after
/// it is made, and children inherit what others left open.
enum GlibcExtras {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let pipe2: Pipe2? = symbol("pipe2")
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }

    /// A pipe whose two ends are closed on exec, so no other child inherits them.
    static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let status = fds.withUnsafeMutableBufferPointer { buffer in
            if let pipe2 { return pipe2(buffer.baseAddress!, O_CLOEXEC) }
            guard pipe(buffer.baseAddress!) == 0 else { return -1 }
            for fd in buffer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        guard status == 0 else { throw ToolError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        return (fds[0], fds[1])
    }

    /// Makes the child close every descriptor from `lowest` up.
    static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        _ = addCloseFrom?(&actions, lowest)
    }
}
