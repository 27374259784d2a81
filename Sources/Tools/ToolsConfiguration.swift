import AssistantsWire
import Foundation
import ThreadlineCore

/// `config/tools.json`: which implementation serves each function tool.
///
/// ```json
/// { "tools": { "get_current_temperature": "demo", ... } }
/// ```
public struct ToolsConfiguration: Sendable, Equatable {
    /// Provider name per tool name.
    public var providers: [String: String]

    public static let knownProviders = ["demo"]

    public init(providers: [String: String]) {
        self.providers = providers
    }

    /// Every seed tool served by the demo provider.
    public static let demo = ToolsConfiguration(
        providers: Dictionary(uniqueKeysWithValues: DemoWeatherTool.Function.allCases.map { ($0.rawValue, "demo") }))

    /// Parses and validates the file's contents; errors name `file` and the bad entry.
    public static func parse(_ data: Data, file: String) throws -> ToolsConfiguration {
        guard let root = JSONValue.parse(String(decoding: data, as: UTF8.self)), case .object = root else {
            throw ConfigurationError("\(file): not a JSON object")
        }
        guard case .object(let entries)? = root["tools"] else {
            throw ConfigurationError("\(file): expected a \"tools\" object mapping tool names to providers")
        }
        var providers: [String: String] = [:]
        for (name, value) in entries {
            guard let provider = value.stringValue else {
                throw ConfigurationError("\(file): tool '\(name)': the provider must be a string such as \"demo\"")
            }
            guard knownProviders.contains(provider) else {
                throw ConfigurationError(
                    "\(file): tool '\(name)': unknown provider '\(provider)' (known: \(knownProviders.joined(separator: ", ")))")
            }
            providers[name] = provider
        }
        return ToolsConfiguration(providers: providers)
    }

    /// The registry for the assistant's function tools. A tool without an implementation is
    /// left out, so a call to it gets an "unknown tool" error output.
    public func registry(for definitions: [FunctionDefinition], file: String) throws -> ToolRegistry {
        let defined = Set(definitions.map(\.name))
        if let stray = providers.keys.sorted().first(where: { !defined.contains($0) }) {
            throw ConfigurationError("\(file): tool '\(stray)' is not a function of the assistant")
        }
        var tools: [any Tool] = []
        for definition in definitions {
            guard let provider = providers[definition.name] else { continue }
            let schema = definition.parameters?.jsonText ?? "{}"
            switch provider {
            case "demo":
                guard let function = DemoWeatherTool.Function(rawValue: definition.name) else {
                    throw ConfigurationError("\(file): tool '\(definition.name)': the demo provider only serves the weather functions")
                }
                tools.append(DemoWeatherTool(function, parametersSchema: schema))
            default:
                continue
            }
        }
        return ToolRegistry(tools)
    }
}

/// A configuration file that cannot be used; the message names the file and entry.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
