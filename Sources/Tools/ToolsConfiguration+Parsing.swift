import Foundation
import ThreadlineCore

extension ToolsConfiguration {
    /// Provider names a tool entry may give as a string; `command` tools are objects.
    public static let knownProviders = ["demo", "open-meteo"]

    /// Parses and validates the file's contents; errors name `file` and the bad entry. Relative
    /// command paths ("./tool.sh") are taken from `directory`, the one holding the file.
    public static func parse(_ data: Data, file: String, directory: String? = nil) throws -> ToolsConfiguration {
        guard let members = (try? JSONValue.parse(data))?.objectValue else {
            throw ConfigurationError("\(file): not a JSON object")
        }
        if let unknown = members.keys.sorted().first(where: { !["tools", "open-meteo"].contains($0) }) {
            throw ConfigurationError("\(file): unknown key '\(unknown)' (expected \"tools\" and optionally \"open-meteo\")")
        }
        guard case .object(let entries)? = members["tools"] else {
            throw ConfigurationError("\(file): expected a \"tools\" object mapping tool names to providers")
        }
        var providers: [String: Provider] = [:]
        for name in entries.keys.sorted() {
            let context = "\(file): tool '\(name)'"
            switch entries[name] {
            case .string("demo"): providers[name] = .demo
            case .string("open-meteo"): providers[name] = .openMeteo
            case .string(let other):
                throw ConfigurationError(
                    "\(context): unknown provider '\(other)' (known: \(knownProviders.joined(separator: ", ")), or a {\"command\": [...]} object)"
                )
            case .object(let fields):
                providers[name] = .command(try commandSpec(fields, context: context, directory: directory))
            default:
                throw ConfigurationError("\(context): the provider must be a string such as \"demo\" or a {\"command\": [...]} object")
            }
        }
        let settings = try members["open-meteo"].map { try openMeteoSettings($0, file: file) } ?? .standard
        return ToolsConfiguration(providers: providers, openMeteo: settings)
    }

    private static func commandSpec(_ fields: [String: JSONValue], context: String, directory: String?) throws -> CommandTool.Spec {
        let known = ["command", "timeout", "description", "parameters", "env", "approval"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError("\(context): unknown key '\(unknown)' (known: \(known.joined(separator: ", ")))")
        }
        var command: [String] = []
        if case .array(let items)? = fields["command"], items.allSatisfy({ $0.stringValue != nil }) {
            command = items.compactMap(\.stringValue)
        }
        guard let program = command.first, !program.isEmpty else {
            throw ConfigurationError("\(context): \"command\" must be a non-empty array of strings, e.g. [\"./tool.sh\", \"--json\"]")
        }
        if let directory, program.contains("/"), !program.hasPrefix("/") {
            command[0] = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(program).standardized.path
        }
        var timeout = Duration.seconds(30)
        if let value = fields["timeout"] {
            guard let valid = value.doubleValue.flatMap(Duration.setting(seconds:)) else {
                throw ConfigurationError("\(context): \(Duration.settingProblem("\"timeout\""))")
            }
            timeout = valid
        }
        if let value = fields["description"], value.stringValue == nil {
            throw ConfigurationError("\(context): \"description\" must be a string")
        }
        if let value = fields["parameters"], value["type"]?.stringValue != "object" {
            throw ConfigurationError("\(context): \"parameters\" must be a JSON schema object with \"type\": \"object\"")
        }
        let read = ConfigFields(fields: fields, context: context)
        return CommandTool.Spec(
            command: command, timeout: timeout, description: fields["description"]?.stringValue, parameters: fields["parameters"],
            env: try read.stringMap("env"), approval: try read.approval() ?? .ask)
    }

    private static func openMeteoSettings(_ value: JSONValue, file: String) throws -> OpenMeteoSettings {
        guard case .object(let fields) = value else {
            throw ConfigurationError("\(file): \"open-meteo\" must be an object with \"geocoding_url\" and \"forecast_url\"")
        }
        if let unknown = fields.keys.sorted().first(where: { !["geocoding_url", "forecast_url"].contains($0) }) {
            throw ConfigurationError("\(file): open-meteo: unknown key '\(unknown)' (known: geocoding_url, forecast_url)")
        }
        var settings = OpenMeteoSettings.standard
        for (key, path) in [("geocoding_url", \OpenMeteoSettings.geocodingURL), ("forecast_url", \.forecastURL)] {
            guard let value = fields[key] else { continue }
            guard let text = value.stringValue, let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""),
                url.host?.isEmpty == false
            else {
                throw ConfigurationError("\(file): open-meteo: \"\(key)\" must be an http(s) URL such as \(settings[keyPath: path])")
            }
            settings[keyPath: path] = text
        }
        return settings
    }
}
