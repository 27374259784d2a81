import Foundation
import Hummingbird
import Logging
import Synchronization

/// An in-process Open-Meteo on 127.0.0.1 serving `/v1/search` (geocoding) and `/v1/forecast`
/// from a small table of places, with the real services' JSON shapes: names in the requested
/// language, results by population, only the requested variables, °F on request, 400s with
/// `{"error": true, "reason": ...}`. Point both Open-Meteo URLs at `baseURL`.
public final class FakeOpenMeteo: Sendable {
    /// One day of a place's weather, in °C and percent.
    public struct Day: Sendable {
        public var weatherCode: Int
        public var maxC: Double
        public var minC: Double
        public var rainPercent: Int?
    }

    /// A place the fake knows, in Korean and English.
    public struct Place: Sendable {
        public var id: Int
        public var name: (ko: String, en: String)
        public var admin1: (ko: String, en: String)
        public var country: (ko: String, en: String)
        public var countryCode: String
        public var latitude: Double
        public var longitude: Double
        public var population: Int
        public var currentC: Double
        /// 16 days from `FakeOpenMeteo.firstDate`.
        public var days: [Day]
    }

    public static let firstDate = "2026-11-25"

    public static let places: [Place] = [
        place(1_838_524, ("부산", "Busan"), ("부산광역시", "Busan"), 35.10168, 129.03004, 3_678_555, current: 14.3, seed: 1),
        place(1_835_848, ("서울", "Seoul"), ("서울특별시", "Seoul"), 37.566, 126.9784, 10_349_312, current: 9.8, seed: 2),
        place(1_843_564, ("인천", "Incheon"), ("인천광역시", "Incheon"), 37.45646, 126.70515, 2_628_000, current: 8.6, seed: 3),
        place(1_841_811, ("광주", "Gwangju"), ("광주광역시", "Gwangju"), 35.15472, 126.91556, 1_416_938, current: 12.1, seed: 4),
        place(1_841_808, ("광주", "Gwangju"), ("경기도", "Gyeonggi-do"), 37.41, 127.25722, 381_000, current: 7.4, seed: 5),
        place(
            5_391_959, ("샌프란시스코", "San Francisco"), ("캘리포니아 주", "California"), 37.77493, -122.41942, 864_816,
            country: (("미국", "United States"), "US"), current: 16.2, seed: 6),
        place(
            3_837_675, ("산프란시스코", "San Francisco"), ("코르도바 주", "Cordoba"), -31.42797, -62.08266, 59_062,
            country: (("아르헨티나", "Argentina"), "AR"), current: 22.5, seed: 7),
    ]

    /// The first place whose English or Korean name is `name`, with `admin1` when given.
    public static func place(named name: String, admin1: String? = nil) -> Place? {
        places.first { [$0.name.ko, $0.name.en].contains(name) && (admin1 == nil || [$0.admin1.ko, $0.admin1.en].contains(admin1)) }
    }

    /// "http://127.0.0.1:PORT/v1".
    public let baseURL: String
    private let log: RequestLog
    private let server: RunningServer

    /// Path and query of every request so far, in order.
    public var requests: [String] { log.entries.withLock { $0 } }

    /// Runs `body` with a started fake, stopping it afterwards.
    @discardableResult
    public static func with<T>(_ body: (FakeOpenMeteo) async throws -> T) async throws -> T {
        let fake = try await FakeOpenMeteo()
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    private init() async throws {
        let router = Router()
        let log = RequestLog()
        self.log = log
        router.get("/v1/search") { request, _ in
            log.entries.withLock { $0.append(request.uri.description) }
            return Self.search(Self.query(request))
        }
        router.get("/v1/forecast") { request, _ in
            log.entries.withLock { $0.append(request.uri.description) }
            return Self.forecast(Self.query(request))
        }
        server = try await RunningServer.start { onListening in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                logger: Logger(label: "fake-open-meteo", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        baseURL = "http://127.0.0.1:\(server.port)/v1"
    }

    /// The request's query parameters, percent-decoded; the last of repeated names wins.
    private static func query(_ request: Request) -> [String: String] {
        Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
    }

    /// Stops the server and waits for it to finish.
    public func stop() async {
        await server.stop()
    }

    private static func place(
        _ id: Int, _ name: (String, String), _ admin1: (String, String), _ latitude: Double, _ longitude: Double,
        _ population: Int, country: ((String, String), String) = (("대한민국", "South Korea"), "KR"), current: Double, seed: Int
    ) -> Place {
        // Plausible, varied, reproducible days: no randomness, so tests can compute expectations.
        let codes = [0, 1, 3, 61, 80, 45, 2, 71, 95, 3]
        let days = (0..<16).map { index in
            let step = seed * 7 + index * 3
            let maxC = current + Double(step % 7) - 2.5
            return Day(
                weatherCode: codes[step % codes.count], maxC: maxC, minC: maxC - 4 - Double(step % 5),
                rainPercent: index == 15 ? nil : (step * 13) % 101)
        }
        return Place(
            id: id, name: name, admin1: admin1, country: country.0, countryCode: country.1, latitude: latitude,
            longitude: longitude, population: population, currentC: current, days: days)
    }
}

/// Requests seen by a fake server, shared with its route handlers.
final class RequestLog: Sendable {
    let entries = Mutex<[String]>([])
}

