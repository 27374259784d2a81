import AssistantsWire
import Foundation

/// What the SQL stores share: objects kept as their wire JSON, and keyset pages on `seq`.
enum StoredObjects {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try WireCoding.decoder().decode(type, from: Data(json.utf8))
    }

    /// The statuses of runs that have ended, as stored.
    static let endedStatuses = RunStatus.terminal.map(\.rawValue)
}

/// How a `PageRequest` reads a table by keyset on `seq`: the cursors' `seq` bound the rows, and
/// the page is read with one row more than asked, to learn `hasMore`.
struct KeysetPage {
    let request: PageRequest

    /// The comparison with the `after` cursor's seq: forward in the requested order.
    var afterComparison: String { request.ascending ? ">" : "<" }
    /// The comparison with the `before` cursor's seq.
    var beforeComparison: String { request.ascending ? "<" : ">" }
    /// `before` alone wants the rows nearest the cursor: they are read backwards, then turned around.
    var readsBackwards: Bool { request.before != nil && request.after == nil }
    /// `ASC` or `DESC`, the order the rows are read in.
    var readOrder: String { request.ascending != readsBackwards ? "ASC" : "DESC" }
    /// The `LIMIT` of the read.
    var readLimit: Int { request.limit + 1 }

    /// The page made of the rows read (in `readOrder`).
    func page<Row: Sendable>(rows: [Row]) -> Page<Row> {
        let ordered = readsBackwards ? rows.reversed() : rows
        let kept = readsBackwards ? Array(ordered.suffix(request.limit)) : Array(ordered.prefix(request.limit))
        return Page(items: kept, hasMore: rows.count > request.limit)
    }

    /// The page made of the JSON rows read (in `readOrder`), decoded.
    func page<T: Decodable & Sendable>(_ type: T.Type, rows: [String]) throws -> Page<T> {
        let page = page(rows: rows)
        return Page(items: try page.items.map { try StoredObjects.decode(type, $0) }, hasMore: page.hasMore)
    }
}
