import Foundation
import ThreadlineCore

/// A function tool served by an external program: it gets the arguments as JSON on stdin and
/// its stdout is the output. A non-zero exit, a signal or the timeout becomes an error output.
public struct CommandTool: Tool {
    /// How tools.json declares the program.
    public struct Spec: Sendable, Equatable {
        /// The program (a path, or a name looked up on PATH) and its arguments.
        public var command: [String]
        public var timeout: Duration
        /// For a function the assistant definition does not declare.
        public var description: String?
        /// The function's JSON schema when tools.json declares it.
        public var parameters: JSONValue?
        /// Variables the program gets on top of the clean environment.
        public var env: [String: String]
        public var approval: ToolApproval

        public init(
            command: [String], timeout: Duration, description: String? = nil, parameters: JSONValue? = nil, env: [String: String] = [:],
            approval: ToolApproval = .ask
        ) {
            self.command = command
            self.timeout = timeout
            self.description = description
            self.parameters = parameters
            self.env = env
            self.approval = approval
        }
    }

    /// The most stdout kept as output; the rest is dropped with a notice.
    public static let outputLimit = 64 << 10

    public let name: String
    public let spec: Spec
    public let parametersSchema: String
    public var provider: String { "command" }
    public var approval: ToolApproval { spec.approval }

    public init(name: String, spec: Spec, parametersSchema: String) {
        self.name = name
        self.spec = spec
        self.parametersSchema = parametersSchema
    }

    public var unavailableReason: String? {
        let program = spec.command[0]
        if program.contains("/") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: program, isDirectory: &isDirectory) else { return "\(program) does not exist" }
            return !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: program) ? nil : "\(program) is not executable"
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
        return found ? nil : "'\(program)' is not on PATH"
    }

    public func call(arguments: [String: JSONValue]) async throws -> String {
        let input = Data((JSONValue.object(arguments).jsonText + "\n").utf8)
        let environment = ChildEnvironment.clean(from: ProcessInfo.processInfo.environment, adding: spec.env)
        let child = ChildProcess(arguments: spec.command, timeout: spec.timeout, environment: environment, outputLimit: Self.outputLimit)
        let result = try await child.run(input: input)
        let program = (spec.command[0] as NSString).lastPathComponent
        switch result.ending {
        case .exited(0): return Self.output(result)
        case .exited(let status): throw ToolError("\(program) exited with status \(status)" + Self.firstLine(result.stderr))
        case .signalled(let signal): throw ToolError("\(program) was killed by signal \(signal)" + Self.firstLine(result.stderr))
        case .timedOut: throw ToolError("\(program) timed out after \(spec.timeout.formattedSeconds)")
        case .cancelled: throw CancellationError()
        }
    }

    /// stdout without its final newline, cut at `outputLimit` with a notice saying how much was dropped.
    static func output(_ result: ChildProcess.Result) -> String {
        var text = String(decoding: result.stdout, as: UTF8.self)
        guard result.stdoutTotal > result.stdout.count else {
            return text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
        // The cut may split a UTF-8 sequence; drop the replacement character it decodes to.
        if text.hasSuffix("\u{FFFD}") { text.removeLast() }
        return text + "\n…[output truncated: showing \(result.stdout.count) of \(result.stdoutTotal) bytes]"
    }

    /// ": <first non-empty stderr line>", or nothing when stderr is empty.
    private static func firstLine(_ stderr: Data) -> String {
        let line = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline)
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { ": " + $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }
}
