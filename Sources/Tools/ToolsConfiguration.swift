import AssistantsWire
import Foundation
import ThreadlineCore

/// `config/tools.json`: which implementation serves each function tool, and the settings of
/// the providers that need some.
///
/// ```json
/// {
///   "open-meteo": { "geocoding_url": "https://geocoding-api.open-meteo.com/v1", "forecast_url": "https://api.open-meteo.com/v1" },
///   "tools": {
///     "get_current_temperature": "open-meteo",
///     "lookup_order": { "command": ["./lookup-order.sh"], "timeout": 5, "description": "...", "parameters": { ... } }
///   }
/// }
/// ```
public struct ToolsConfiguration: Sendable, Equatable {
    /// What serves one tool.
    public enum Provider: Sendable, Equatable {
        case demo
        case openMeteo
        case command(CommandTool.Spec)

        /// As written in tools.json and shown by `/tools`.
        public var name: String {
            switch self {
            case .demo: "demo"
            case .openMeteo: "open-meteo"
            case .command: "command"
            }
        }
    }

    /// Provider per tool name.
    public var providers: [String: Provider]
    public var openMeteo: OpenMeteoSettings

    public init(providers: [String: Provider], openMeteo: OpenMeteoSettings = .standard) {
        self.providers = providers
        self.openMeteo = openMeteo
    }

    /// Every seed tool served by the demo provider.
    public static let demo = ToolsConfiguration(
        providers: Dictionary(uniqueKeysWithValues: WeatherFunction.allCases.map { ($0.rawValue, .demo) }))

    /// Functions that tools.json itself declares (command tools with `parameters`), by name.
    public var declaredFunctions: [FunctionDefinition] {
        providers.keys.sorted().compactMap { name in
            guard case .command(let spec) = providers[name], let parameters = spec.parameters else { return nil }
            return FunctionDefinition(name: name, description: spec.description, parameters: parameters)
        }
    }

    /// The assistant's tools followed by the functions tools.json declares; a function declared
    /// in both places is an error, since it is unclear which schema the model should get.
    public func mergedTools(_ tools: [ToolDefinition], file: String) throws -> [ToolDefinition] {
        let defined = Set(tools.compactMap(\.function?.name))
        if let twice = declaredFunctions.first(where: { defined.contains($0.name) }) {
            throw ConfigurationError(
                "\(file): tool '\(twice.name)': assistant.json already declares this function; drop \"parameters\" here or there")
        }
        return tools + declaredFunctions.map { ToolDefinition(function: $0) }
    }

    /// The registry for the assistant's function tools. A function without an implementation
    /// is left out, so a call to it gets an "unknown tool" error output.
    public func registry(
        for definitions: [FunctionDefinition], file: String, environment: [String: String] = [:]
    ) throws -> ToolRegistry {
        let defined = Set(definitions.map(\.name))
        if let stray = providers.keys.sorted().first(where: { !defined.contains($0) }) {
            throw ConfigurationError(
                "\(file): tool '\(stray)' has no schema: declare it in assistant.json or give it \"command\" and \"parameters\" here")
        }
        var tools: [any Tool] = []
        for definition in definitions {
            guard let provider = providers[definition.name] else { continue }
            let schema = definition.parameters?.jsonText ?? "{}"
            let weather = WeatherFunction(rawValue: definition.name)
            switch provider {
            case .demo, .openMeteo:
                guard let weather else {
                    throw ConfigurationError(
                        "\(file): tool '\(definition.name)': the \(provider.name) provider only serves "
                            + WeatherFunction.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tools.append(
                    provider == .demo
                        ? DemoWeatherTool(weather, parametersSchema: schema)
                        : OpenMeteoWeatherTool(weather, parametersSchema: schema, settings: openMeteo, environment: environment))
            case .command(let spec):
                tools.append(CommandTool(name: definition.name, spec: spec, parametersSchema: schema))
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
