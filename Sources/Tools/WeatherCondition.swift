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
