import Foundation

/// Writes every byte to `descriptor`, going on after EINTR and short writes; returns 0, or the
/// errno that stopped it. Shared by the renderer, the history file and `/save`.
@discardableResult
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
    var rest = bytes[...]
    while !rest.isEmpty {
        let written = rest.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        rest = rest.dropFirst(written)
    }
    return 0
}
