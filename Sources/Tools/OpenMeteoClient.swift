import Foundation
import HTTPSupport
import ThreadlineCore

/// Where the Open-Meteo APIs live; tools.json can point them at a mirror or a test fake.
public struct OpenMeteoSettings: Sendable, Equatable {
    /// Ends before `/search`, e.g. `https://geocoding-api.open-meteo.com/v1`.
    public var geocodingURL: String
    /// Ends before `/forecast`, e.g. `https://api.open-meteo.com/v1`.
    public var forecastURL: String

    public init(geocodingURL: String, forecastURL: String) {
        self.geocodingURL = geocodingURL
        self.forecastURL = forecastURL
    }

    /// The public service (no key needed).
    public static let standard = OpenMeteoSettings(
        geocodingURL: "https://geocoding-api.open-meteo.com/v1", forecastURL: "https://api.open-meteo.com/v1")
}

/// The two Open-Meteo calls the weather tools need: place search and forecast.
struct OpenMeteoClient: Sendable {
    /// One geocoding result, as `/v1/search` returns it.
    struct Place: Decodable, Sendable, Equatable {
        var name: String
        var latitude: Double
        var longitude: Double
        var countryCode: String?
        var country: String?
        var admin1: String?

        enum CodingKeys: String, CodingKey {
            case name, latitude, longitude, country, admin1
            case countryCode = "country_code"
        }
    }

    /// The parts of a `/v1/forecast` answer the tools read; every series may hold nulls.
    struct Forecast: Decodable, Sendable {
        struct Current: Decodable, Sendable {
            var temperature: Double?
            enum CodingKeys: String, CodingKey { case temperature = "temperature_2m" }
        }

        struct Daily: Decodable, Sendable {
            var time: [String]
            var weatherCode: [Int?]?
            var temperatureMax: [Double?]?
            var temperatureMin: [Double?]?
            var precipitationProbabilityMax: [Double?]?

            enum CodingKeys: String, CodingKey {
                case time
                case weatherCode = "weather_code"
                case temperatureMax = "temperature_2m_max"
                case temperatureMin = "temperature_2m_min"
                case precipitationProbabilityMax = "precipitation_probability_max"
            }
        }

        var current: Current?
        var daily: Daily?
    }

    private let geocoding: APIClient
    private let forecasts: APIClient

    init(settings: OpenMeteoSettings, environment: [String: String]) {
        // Short timeouts and one retry: a call has to fit in the tool timeout (30 s by default).
        func client(_ baseURL: String) -> APIClient {
            APIClient(
                settings: HTTPSettings(
                    baseURL: baseURL, apiKey: nil, connectTimeout: .seconds(5), readTimeout: .seconds(15),
                    retry: RetryPolicy(maxRetries: 1), proxy: HTTPSettings.proxy(for: baseURL, environment: environment)))
        }
        geocoding = client(settings.geocodingURL)
        forecasts = client(settings.forecastURL)
    }

    /// Places called `name`, best known first, with names in `language`.
    func places(named name: String, language: String) async throws -> [Place] {
        struct Answer: Decodable { var results: [Place]? }
        let query = [("name", name), ("count", "10"), ("language", language), ("format", "json")]
        do {
            return try await geocoding.json(.GET, "/search?" + Self.encode(query), as: Answer.self).results ?? []
        } catch let error as HTTPError {
            throw ToolError("Open-Meteo geocoding failed: \(error.summary)")
        }
    }

    /// The forecast at `place` with the given query parameters (`current`, `daily`, ...).
    func forecast(at place: Place, _ parameters: [(String, String)]) async throws -> Forecast {
        let query = [("latitude", String(place.latitude)), ("longitude", String(place.longitude)), ("timezone", "auto")] + parameters
        do {
            return try await forecasts.json(.GET, "/forecast?" + Self.encode(query), as: Forecast.self)
        } catch let error as HTTPError {
            throw ToolError("Open-Meteo forecast failed: \(error.summary)")
        }
    }

    /// A query string with every reserved character (Hangul, `&`, `+`, spaces) percent-encoded.
    static func encode(_ query: [(String, String)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?/")
        return query.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $1)" }.joined(separator: "&")
    }
}

/// WMO weather interpretation codes (Open-Meteo's `weather_code`) as the condition words the
/// demo provider uses, which the demo model also translates to Korean.
enum WeatherCondition {
    static func name(code: Int) -> String {
        switch code {
        case 0: "clear"
        case 1, 2: "partly cloudy"
        case 3: "overcast"
        case 45, 48: "fog"
        case 51...67: "rain"
        case 71...77, 85, 86: "snow"
        case 80...82: "showers"
        case 95...99: "thunderstorm"
        default: "code \(code)"
        }
    }
}
