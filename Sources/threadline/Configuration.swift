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

    /// Which assistant definition a session uses.
    enum AssistantChoice: Equatable {
        /// The config directory's assistant.json, else the built-in weather assistant with its demo tools.
        case configured
        /// `--assistant-config FILE`.
        case file(String)
        /// `--plain`: a general assistant, no weather instructions or demo tools.
        case plain
    }

    /// Reads `assistant.json`, `tools.json` and `mcp.json` from `directory` (each optional: a
    /// missing file means the built-in one, or no MCP servers). Another `assistant` than the
    /// configured one comes without the built-in weather tools; the directory's tools.json and
    /// mcp.json still apply. Errors name the file and the bad entry.
    static func load(directory: String?, assistant choice: AssistantChoice = .configured) throws -> Configuration {
        var source = "built-in"
        var assistantData = Data(DefaultConfiguration.assistantJSON.utf8)
        var toolsData = Data((choice == .configured ? DefaultConfiguration.toolsJSON : DefaultConfiguration.noToolsJSON).utf8)
        var assistantFile = "built-in assistant.json"
        var toolsFile = "built-in tools.json"
        var toolsDirectory: String?
        switch choice {
        case .configured: break
        case .file(let path):
            guard let data = try readIfPresent(path) else {
                throw ConfigurationError("\(path): no such file (--assistant-config takes an assistant.json file)")
            }
            assistantData = data
            assistantFile = path
        case .plain:
            assistantData = Data(DefaultConfiguration.plainAssistantJSON.utf8)
            assistantFile = "built-in plain assistant"
        }
        if let directory {
            source = directory
            let assistantPath = directory + "/assistant.json"
            let toolsPath = directory + "/tools.json"
            if choice == .configured, let data = try readIfPresent(assistantPath) {
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
