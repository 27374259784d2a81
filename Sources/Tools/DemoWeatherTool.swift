import Foundation
import ThreadlineCore

/// One of the seed's three weather functions served by `DemoWeather`.
public struct DemoWeatherTool: Tool {
    public typealias Function = WeatherFunction

    public let function: Function
    public let parametersSchema: String
    public var name: String { function.rawValue }
    public var provider: String { "demo" }

    public init(_ function: Function, parametersSchema: String) {
        self.function = function
        self.parametersSchema = parametersSchema
    }

    public func call(arguments: [String: JSONValue]) async throws -> String {
        let location = try WeatherFunction.location(in: arguments)
        switch function {
        case .currentTemperature:
            return "\(DemoWeather.temperature(location: location))°C"
        case .rainProbability:
            return String(format: "%.2f", DemoWeather.rainProbability(location: location))
        case .forecast:
            let days = try WeatherFunction.days(in: arguments)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(DemoWeather.forecast(location: location, days: days)), as: UTF8.self)
        }
    }
}
