import Foundation
import ThreadlineCore

/// A location as models write it — the seed's `도시/도` ("부산/경상남도", "인천/경기도"), or
/// "Seoul, South Korea", "San Francisco, CA", "Tokyo" — split into what to search for and the
/// region that picks among places of the same name.
struct PlaceQuery: Sendable, Equatable {
    var name: String
    var region: String?
    /// "ko" when the text has Hangul, so Korean names are searched and returned in Korean.
    var language: String

    init(_ location: String) {
        let separator: Character = location.contains("/") ? "/" : ","
        let parts = location.split(separator: separator, maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        name = parts.first ?? ""
        region = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
        language = location.containsHangulSyllable ? "ko" : "en"
    }

    /// Names to search for, in order: as written, then without an administrative suffix
    /// ("서울특별시" → "서울"), which the geocoder may not know.
    var searchNames: [String] {
        let bare = Self.stripSuffix(name)
        return bare != name && !bare.isEmpty ? [name, bare] : [name]
    }

    /// The place meant: the first whose province or country matches the region; else, for a
    /// Korean query, the first place in Korea (인천 is its own metropolitan city, not in 경기도, and
    /// the seed still writes "인천/경기도"); else the geocoder's first.
    func best(of places: [OpenMeteoClient.Place]) -> OpenMeteoClient.Place? {
        if let region, let match = places.first(where: { Self.matches(region: region, $0) }) { return match }
        if language == "ko", let korean = places.first(where: { $0.countryCode == "KR" }) { return korean }
        return places.first
    }

    /// Loose: "경상남도" = "경상남도", "경기" ~ "경기도", "CA" ~ "California", "South Korea" = country.
    static func matches(region: String, _ place: OpenMeteoClient.Place) -> Bool {
        let wanted = normalise(region)
        guard wanted.count >= 2 else { return false }
        return [place.admin1, place.country, place.countryCode].compactMap { $0 }.map(normalise).contains { candidate in
            !candidate.isEmpty && (candidate == wanted || candidate.hasPrefix(wanted) || wanted.hasPrefix(candidate))
        }
    }

    private static func normalise(_ text: String) -> String {
        stripSuffix(text.lowercased().filter { !$0.isWhitespace && $0 != "." })
    }

    private static let koreanSuffixes = ["특별자치도", "특별자치시", "특별시", "광역시", "도", "시"]

    private static func stripSuffix(_ text: String) -> String {
        guard let suffix = koreanSuffixes.first(where: { text.hasSuffix($0) && text.count > $0.count + 1 }) else { return text }
        return String(text.dropLast(suffix.count))
    }
}
