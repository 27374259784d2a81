import Hummingbird

/// `limit`, `order`, `after` and `before` of a list request.
struct ListQuery: Equatable {
    var limit = 20
    var ascending = false
    var after: String?
    var before: String?

    init(limit: Int = 20, ascending: Bool = false, after: String? = nil, before: String? = nil) {
        self.limit = limit
        self.ascending = ascending
        self.after = after
        self.before = before
    }

    init(_ request: Request) throws {
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
struct ListPage<Item: Encodable>: Encodable {
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

    /// The page of `items` (oldest first) that `query` asks for. `after` pages forward in the
    /// requested order, `before` pages back towards its start.
    init(_ items: [Item], query: ListQuery, id: (Item) -> String) throws {
        let inOrder: [Item] = query.ascending ? items : items.reversed()
        var ordered = inOrder[...]
        func position(of cursor: String, _ name: String) throws -> Int {
            guard let index = ordered.firstIndex(where: { id($0) == cursor }) else {
                throw APIFailure.invalid(
                    "Invalid '\(name)': no object with id '\(cursor)' in this list.", param: name)
            }
            return index
        }
        if let after = query.after { ordered = ordered[(try position(of: after, "after") + 1)...] }
        if let before = query.before { ordered = ordered[..<(try position(of: before, "before"))] }
        let page =
            query.before != nil && query.after == nil
            ? ordered.suffix(query.limit) : ordered.prefix(query.limit)
        data = Array(page)
        firstID = data.first.map(id)
        lastID = data.last.map(id)
        hasMore =
            query.before != nil && query.after == nil
            ? page.startIndex > ordered.startIndex : page.endIndex < ordered.endIndex
    }
}
