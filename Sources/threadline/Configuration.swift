import AssistantsWire
import Foundation
import ThreadlineCore
import Tools

/// The assistant definition and tool wiring in use, and where they came from.
struct Configuration {
    var assistant: AssistantParameters
    var tools: ToolRegistry
    /// "built-in" or the directory the files were read from.
    var source: String
    /// The servers of `mcp.json` (none without the file).
    var mcp = MCPConfiguration()

    /// Reads `assistant.json`, `tools.json` and `mcp.json` from `directory` (each optional: a
    /// missing file means the built-in one, or no MCP servers). Errors name the file and the bad entry.
    static func load(directory: String?) throws -> Configuration {
        var source = "built-in"
        var assistantData = Data(DefaultConfiguration.assistantJSON.utf8)
        var toolsData = Data(DefaultConfiguration.toolsJSON.utf8)
        var assistantFile = "built-in assistant.json"
        var toolsFile = "built-in tools.json"
        var toolsDirectory: String?
        if let directory {
            source = directory
            let assistantPath = directory + "/assistant.json"
            let toolsPath = directory + "/tools.json"
            if let data = try readIfPresent(assistantPath) {
                assistantData = data
                assistantFile = assistantPath
            }
            if let data = try readIfPresent(toolsPath) {
                toolsData = data
                toolsFile = toolsPath
                toolsDirectory = directory
            }
        }
        var assistant: AssistantParameters
        do {
            assistant = try WireCoding.decoder().decode(AssistantParameters.self, from: assistantData)
        } catch {
            throw ConfigurationError("\(assistantFile): not a valid assistant definition (\(Self.describe(error)))")
        }
        let toolsConfiguration = try ToolsConfiguration.parse(toolsData, file: toolsFile, directory: toolsDirectory)
        // Functions declared in tools.json reach the model like those of assistant.json.
        assistant.tools = try toolsConfiguration.mergedTools(assistant.tools ?? [], file: toolsFile)
        let tools = try toolsConfiguration.registry(
            for: assistant.functions, file: toolsFile, environment: ProcessInfo.processInfo.environment)
        var mcp = MCPConfiguration()
        if let directory, let data = FileManager.default.contents(atPath: directory + "/mcp.json") {
            mcp = try MCPConfiguration.parse(data, file: directory + "/mcp.json", directory: directory)
        }
        return Configuration(assistant: assistant, tools: tools, source: source, mcp: mcp)
    }

    /// The file's bytes, or nil when nothing is at `path`; a directory or an unreadable file
    /// there is an error rather than silently the built-in file.
    private static func readIfPresent(_ path: String) throws -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { throw ConfigurationError("\(path): is a directory, not a JSON file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("\(path): cannot be read") }
        return data
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted: return "invalid JSON"
        @unknown default: return "\(error)"
        }
    }
}
