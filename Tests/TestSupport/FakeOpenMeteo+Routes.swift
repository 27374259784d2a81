import Foundation
import Hummingbird
import ThreadlineCore

extension FakeOpenMeteo {
    /// `/v1/search?name=&count=&language=`: places whose name starts with `name` (as the real
    /// geocoder matches), most populous first; no `results` key when nothing matches.
    static func search(_ query: [String: String]) -> Response {
        guard let name = query["name"]?.lowercased(), !name.isEmpty else {
            return error("Parameter 'name' is required")
        }
        let korean = query["language"] == "ko"
        let count = query["count"].flatMap { Int($0) } ?? 10
        let found = places.filter { [$0.name.ko, $0.name.en].contains { $0.lowercased().hasPrefix(name) } }
            .sorted { $0.population > $1.population }.prefix(count)
        var body: [String: JSONValue] = ["generationtime_ms": 0.61]
        if !found.isEmpty {
            body["results"] = .array(
                found.map { place in
                    [
                        "id": .number(Double(place.id)), "name": .string(korean ? place.name.ko : place.name.en),
                        "latitude": .number(place.latitude), "longitude": .number(place.longitude), "elevation": 12.0,
                        "feature_code": "PPLA", "country_code": .string(place.countryCode),
                        "timezone": place.countryCode == "KR" ? "Asia/Seoul" : "America/Los_Angeles",
                        "population": .number(Double(place.population)),
                        "country": .string(korean ? place.country.ko : place.country.en),
                        "admin1": .string(korean ? place.admin1.ko : place.admin1.en),
                    ]
                })
        }
        return json(body)
    }

    /// `/v1/forecast?latitude=&longitude=&current=&daily=&forecast_days=&temperature_unit=`:
    /// only the requested variables, in the requested unit.
    static func forecast(_ query: [String: String]) -> Response {
        guard let latitude = query["latitude"].flatMap({ Double($0) }), let longitude = query["longitude"].flatMap({ Double($0) })
        else {
            return error("Parameter 'latitude' and 'longitude' must have the same number of elements")
        }
        guard let place = places.first(where: { abs($0.latitude - latitude) < 0.001 && abs($0.longitude - longitude) < 0.001 }) else {
            return error("The fake knows no place at \(latitude),\(longitude)")
        }
        let days = query["forecast_days"].flatMap { Int($0) } ?? 7
        guard (0...16).contains(days) else { return error("Forecast days is invalid. Allowed range 0 to 16.") }
        let fahrenheit = query["temperature_unit"] == "fahrenheit"
        let unit: JSONValue = fahrenheit ? "°F" : "°C"
        func temperature(_ celsius: Double) -> JSONValue {
            .number(fahrenheit ? ((celsius * 9 / 5 + 32) * 10).rounded() / 10 : celsius)
        }
        var body: [String: JSONValue] = [
            "latitude": .number(place.latitude), "longitude": .number(place.longitude), "generationtime_ms": 0.08,
            "utc_offset_seconds": 32400, "timezone": "Asia/Seoul", "timezone_abbreviation": "GMT+9", "elevation": 12.0,
        ]
        let current = variables(query["current"])
        if !current.isEmpty {
            var units: [String: JSONValue] = ["time": "iso8601", "interval": "seconds"]
            var values: [String: JSONValue] = ["time": .string(firstDate + "T15:00"), "interval": 900]
            for name in current where name == "temperature_2m" {
                units[name] = unit
                values[name] = temperature(place.currentC)
            }
            body["current_units"] = .object(units)
            body["current"] = .object(values)
        }
        let daily = variables(query["daily"])
        if !daily.isEmpty {
            let shown = Array(place.days.prefix(days))
            var units: [String: JSONValue] = ["time": "iso8601"]
            var values: [String: JSONValue] = ["time": .array(shown.indices.map { .string(date($0)) })]
            for name in daily {
                switch name {
                case "weather_code": (units[name], values[name]) = ("wmo code", .array(shown.map { .number(Double($0.weatherCode)) }))
                case "temperature_2m_max": (units[name], values[name]) = (unit, .array(shown.map { temperature($0.maxC) }))
                case "temperature_2m_min": (units[name], values[name]) = (unit, .array(shown.map { temperature($0.minC) }))
                case "precipitation_probability_max":
                    (units[name], values[name]) = ("%", .array(shown.map { day in day.rainPercent.map { .number(Double($0)) } ?? .null }))
                default: return error("Cannot initialize WeatherVariable from invalid String value \(name) for key daily")
                }
            }
            body["daily_units"] = .object(units)
            body["daily"] = .object(values)
        }
        return json(body)
    }

    /// "2026-11-25" plus `offset` days.
    public static func date(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let start = formatter.date(from: firstDate) ?? Date(timeIntervalSince1970: 0)
        return formatter.string(from: start.addingTimeInterval(Double(offset) * 86400))
    }

    private static func variables(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map(String.init)
    }

    private static func json(_ body: [String: JSONValue], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: JSONValue.object(body).jsonText)))
    }

    private static func error(_ reason: String) -> Response {
        json(["error": true, "reason": .string(reason)], status: .badRequest)
    }
}
