import AssistantsWire
import CFuzzerDriver
import Foundation

/// The running target's check of one input; set once, before libFuzzer starts.
nonisolated(unsafe) private var check: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }

/// libFuzzer's entry: each input it generates goes to the target's check (a trap is a crash).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // libFuzzer passes null for an empty input.
    check(UnsafeBufferPointer(start: count > 0 ? start : nil, count: count))
    return 0
}

/// Runs libFuzzer with this process's arguments, giving every input to `body`, and exits with
/// its status.
public func runLibFuzzer(_ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
    check = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// `input` read as a server-sent stream, as the HTTP backends read one: each event with its
/// `data:` decoded as `T` (nil when it is not one); nil when the stream broke the parser's limits.
public func decodedEvents<T: Decodable>(_ input: UnsafeBufferPointer<UInt8>, as type: T.Type) -> [(event: ServerSentEvent, value: T?)]? {
    var parser = SSEParser()
    guard let events = try? parser.feed(input) else { return nil }
    return events.map { ($0, try? WireCoding.decoder().decode(type, from: Data($0.data.utf8))) }
}
