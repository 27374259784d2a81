import Testing

@testable import Tools

@Suite("PlaceQuery")
struct PlaceQueryTests {
    private func place(_ name: String, admin1: String?, country: String, code: String) -> OpenMeteoClient.Place {
        OpenMeteoClient.Place(name: name, latitude: 0, longitude: 0, countryCode: code, country: country, admin1: admin1)
    }

    @Test(
        arguments: [
            ("부산/경상남도", "부산", "경상남도", "ko"), ("인천/경기도", "인천", "경기도", "ko"), (" 서울 / 서울특별시 ", "서울", "서울특별시", "ko"),
            ("Seoul, South Korea", "Seoul", "South Korea", "en"), ("San Francisco, CA", "San Francisco", "CA", "en"),
            ("Tokyo", "Tokyo", nil, "en"), ("제주", "제주", nil, "ko"), ("부산/", "부산", nil, "ko"),
        ] as [(String, String, String?, String)])
    func splitsNameRegionAndLanguage(location: String, name: String, region: String?, language: String) {
        let query = PlaceQuery(location)
        #expect(query.name == name)
        #expect(query.region == region)
        #expect(query.language == language)
    }

    @Test func searchesWithoutAdministrativeSuffixToo() {
        #expect(PlaceQuery("서울특별시").searchNames == ["서울특별시", "서울"])
        #expect(PlaceQuery("제주시/제주특별자치도").searchNames == ["제주시", "제주"])
        #expect(PlaceQuery("부산/경상남도").searchNames == ["부산"])
        #expect(PlaceQuery("Busan").searchNames == ["Busan"])
    }

    @Test func prefersThePlaceInTheNamedProvince() {
        let metro = place("광주", admin1: "광주광역시", country: "대한민국", code: "KR")
        let gyeonggi = place("광주", admin1: "경기도", country: "대한민국", code: "KR")
        #expect(PlaceQuery("광주/경기도").best(of: [metro, gyeonggi]) == gyeonggi)
        #expect(PlaceQuery("광주/경기").best(of: [metro, gyeonggi]) == gyeonggi)
        #expect(PlaceQuery("광주/광주광역시").best(of: [metro, gyeonggi]) == metro)
    }

    @Test func koreanQueryFallsBackToTheFirstPlaceInKorea() {
        // The seed writes "인천/경기도", but Incheon is its own metropolitan city.
        let foreign = place("인천", admin1: "Somewhere", country: "Elsewhere", code: "XX")
        let incheon = place("인천", admin1: "인천광역시", country: "대한민국", code: "KR")
        #expect(PlaceQuery("인천/경기도").best(of: [foreign, incheon]) == incheon)
        #expect(PlaceQuery("Incheon").best(of: [foreign, incheon]) == foreign)
    }

    @Test func englishRegionMatchesCountryOrStateLoosely() {
        let us = place("San Francisco", admin1: "California", country: "United States", code: "US")
        let argentina = place("San Francisco", admin1: "Cordoba", country: "Argentina", code: "AR")
        #expect(PlaceQuery("San Francisco, Argentina").best(of: [us, argentina]) == argentina)
        #expect(PlaceQuery("San Francisco, cordoba").best(of: [us, argentina]) == argentina)
        #expect(PlaceQuery("San Francisco, CA").best(of: [argentina, us]) == us)
        #expect(PlaceQuery("Nowhere").best(of: []) == nil)
    }
}
