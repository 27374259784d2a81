import AssistantsWire
import Foundation
import FuzzDriver
import Tools

/// The configuration parsers on arbitrary bytes: the first byte picks `tools.json`, `mcp.json`
/// or `assistant.json` (with the tools of `tools.json` merged in, as the REPL does). Each either
/// parses or throws a `ConfigurationError` naming the file; none traps.
runLibFuzzer { input in
    guard let first = input.first else { return }
    let data = Data(input.dropFirst())
    switch first % 3 {
    case 0:
        check { _ = try ToolsConfiguration.parse(data, file: "tools.json", directory: "/config") }
    case 1:
        check { _ = try MCPConfiguration.parse(data, file: "mcp.json", directory: "/config") }
    default:
        guard let assistant = try? WireCoding.decoder().decode(AssistantParameters.self, from: data) else { return }
        check {
            let tools = try ToolsConfiguration.demo.mergedTools(assistant.tools ?? [], file: "tools.json")
            _ = try ToolsConfiguration.demo.registry(for: tools.compactMap(\.function), file: "tools.json")
        }
    }
}

private func check(_ parse: () throws -> Void) {
    do {
        try parse()
    } catch let error as ConfigurationError {
        precondition(error.description.hasPrefix("tools.json") || error.description.hasPrefix("mcp.json"), "\(error)")
    } catch {
        preconditionFailure("not a ConfigurationError: \(error)")
    }
}
