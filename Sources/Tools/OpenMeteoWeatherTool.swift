import Foundation
import ThreadlineCore

/// One of the seed's three weather functions answered with real data from Open-Meteo. Outputs
/// have the demo provider's shapes ("14.3°C", "0.25", a JSON array of days), so models and
/// transcripts read the same whichever provider serves the tool.
public struct OpenMeteoWeatherTool: Tool {
    public let function: WeatherFunction
    public let parametersSchema: String
    private let client: OpenMeteoClient
    public var name: String { function.rawValue }
    public var provider: String { "open-meteo" }

    public init(_ function: WeatherFunction, parametersSchema: String, settings: OpenMeteoSettings, environment: [String: String]) {
        self.function = function
        self.parametersSchema = parametersSchema
        self.client = OpenMeteoClient(settings: settings, environment: environment)
    }

    public func call(arguments: [String: JSONValue]) async throws -> String {
        let location = try WeatherFunction.location(in: arguments)
        // The seed's schemas have no unit; a schema that adds `unit` or `format` gets Fahrenheit on request.
        let unit = try TemperatureUnit(arguments["unit"] ?? arguments["format"])
        let place = try await resolve(location)
        switch function {
        case .currentTemperature:
            let forecast = try await client.forecast(at: place, [("current", "temperature_2m")] + unit.query)
            guard let value = forecast.current?.temperature else { throw ToolError("Open-Meteo gave no temperature for \(location)") }
            return Self.number(value) + unit.symbol
        case .rainProbability:
            let forecast = try await client.forecast(at: place, [("daily", "precipitation_probability_max"), ("forecast_days", "1")])
            guard let percent = forecast.daily?.precipitationProbabilityMax?.first ?? nil else {
                throw ToolError("Open-Meteo gave no rain probability for \(location)")
            }
            return String(format: "%.2f", percent / 100)
        case .forecast:
            let days = try WeatherFunction.days(in: arguments)
            let daily = "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max"
            let forecast = try await client.forecast(at: place, [("daily", daily), ("forecast_days", String(days))] + unit.query)
            guard let series = forecast.daily, !series.time.isEmpty else { throw ToolError("Open-Meteo gave no forecast for \(location)") }
            return JSONValue.array(Array(Self.days(series, unit: unit).prefix(days))).jsonText
        }
    }

    private func resolve(_ location: String) async throws -> OpenMeteoClient.Place {
        let query = PlaceQuery(location)
        for name in query.searchNames {
            if let place = query.best(of: try await client.places(named: name, language: query.language)) { return place }
        }
        throw ToolError("no place named '\(location)'")
    }

    /// One object per day, keyed like the demo provider's (`high_c` or `high_f` by unit).
    private static func days(_ series: OpenMeteoClient.Forecast.Daily, unit: TemperatureUnit) -> [JSONValue] {
        func value<T>(_ values: [T?]?, _ index: Int) -> T? {
            guard let values, index < values.count else { return nil }
            return values[index]
        }
        return series.time.indices.map { index in
            let rain = value(series.precipitationProbabilityMax, index)
            return .object([
                "day": .number(Double(index + 1)),
                "date": .string(series.time[index]),
                "condition": value(series.weatherCode, index).map { .string(WeatherCondition.name(code: $0)) } ?? .null,
                "high_\(unit.key)": value(series.temperatureMax, index).map { .number($0) } ?? .null,
                "low_\(unit.key)": value(series.temperatureMin, index).map { .number($0) } ?? .null,
                "rain_probability": rain.map { .number($0 / 100) } ?? .null,
            ])
        }
    }

    /// "14", "14.3": no trailing ".0".
    private static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}
