import Backends
import Hummingbird

extension PageRequest {
    /// `limit`, `order`, `after` and `before` of a list request; the API's defaults otherwise.
    init(_ request: Request) throws {
        self.init()
        let parameters = request.uri.queryParameters
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...100).contains(limit) else {
                throw APIFailure.invalid(
                    "Invalid 'limit': expected an integer between 1 and 100.", param: "limit")
            }
            self.limit = limit
        }
        switch parameters["order"] {
        case nil, "desc": ascending = false
        case "asc": ascending = true
        case let other?:
            throw APIFailure.invalid(
                "Invalid 'order': '\(other)' (expected 'asc' or 'desc').", param: "order")
        }
        after = parameters["after"].map(String.init)
        before = parameters["before"].map(String.init)
    }
}

/// One page of a list answer, shaped as the API returns lists.
struct ListPage<Item: Encodable & Sendable>: Encodable {
    var object = "list"
    var data: [Item]
    var firstID: String?
    var lastID: String?
    var hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case object, data
        case firstID = "first_id"
        case lastID = "last_id"
        case hasMore = "has_more"
    }

    /// `first_id` and `last_id` are `null` on an empty page, never missing.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(object, forKey: .object)
        try container.encode(data, forKey: .data)
        try container.encode(firstID, forKey: .firstID)
        try container.encode(lastID, forKey: .lastID)
        try container.encode(hasMore, forKey: .hasMore)
    }

    init(_ page: Page<Item>, id: (Item) -> String) {
        data = page.items
        firstID = data.first.map(id)
        lastID = data.last.map(id)
        hasMore = page.hasMore
    }
}
