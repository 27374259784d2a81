import Foundation
import ThreadlineCore

/// One of the seed's three weather functions served by `DemoWeather`.
public struct DemoWeatherTool: Tool {
    public enum Function: String, CaseIterable, Sendable {
        case currentTemperature = "get_current_temperature"
        case rainProbability = "get_rain_probability"
        case forecast = "get_n_day_weather_forecast"
    }

    public let function: Function
    public let parametersSchema: String
    public var name: String { function.rawValue }
    public var provider: String { "demo" }

    public init(_ function: Function, parametersSchema: String) {
        self.function = function
        self.parametersSchema = parametersSchema
    }

    public func call(arguments: [String: Any]) async throws -> String {
        guard let location = (arguments["location"] as? String)?.trimmingCharacters(in: .whitespaces), !location.isEmpty
        else {
            throw ToolError("'location' must be a non-empty string")
        }
        switch function {
        case .currentTemperature:
            return "\(DemoWeather.temperature(location: location))°C"
        case .rainProbability:
            return String(format: "%.2f", DemoWeather.rainProbability(location: location))
        case .forecast:
            let days = (arguments["num_days"] as? NSNumber)?.intValue ?? 0
            guard (1...16).contains(days) else { throw ToolError("'num_days' must be between 1 and 16") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(DemoWeather.forecast(location: location, days: days)), as: UTF8.self)
        }
    }
}
