import Foundation
import ThreadlineCore

/// The seed's three weather functions, and the reading of their arguments that every provider
/// shares.
public enum WeatherFunction: String, CaseIterable, Sendable {
    case currentTemperature = "get_current_temperature"
    case rainProbability = "get_rain_probability"
    case forecast = "get_n_day_weather_forecast"

    /// The longest forecast served (Open-Meteo's limit).
    static let maxDays = 16

    /// The trimmed `location` argument.
    static func location(in arguments: [String: JSONValue]) throws -> String {
        guard let location = arguments["location"]?.stringValue?.trimmingCharacters(in: .whitespaces), !location.isEmpty
        else {
            throw ToolError("'location' must be a non-empty string")
        }
        return location
    }

    /// The `num_days` argument, 1 to 16.
    static func days(in arguments: [String: JSONValue]) throws -> Int {
        let days = arguments["num_days"]?.intValue ?? 0
        guard (1...maxDays).contains(days) else { throw ToolError("'num_days' must be between 1 and \(maxDays)") }
        return days
    }
}

/// Celsius unless the arguments ask for Fahrenheit.
enum TemperatureUnit: Sendable {
    case celsius, fahrenheit

    init(_ argument: JSONValue?) throws {
        guard let argument else {
            self = .celsius
            return
        }
        switch argument.stringValue?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "celsius", "c", "°c", "metric": self = .celsius
        case "fahrenheit", "f", "°f", "imperial": self = .fahrenheit
        default: throw ToolError("the unit must be \"celsius\" or \"fahrenheit\"")
        }
    }

    var query: [(String, String)] { self == .fahrenheit ? [("temperature_unit", "fahrenheit")] : [] }
    var symbol: String { self == .fahrenheit ? "°F" : "°C" }
    var key: String { self == .fahrenheit ? "f" : "c" }
}
