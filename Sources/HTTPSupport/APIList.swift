/// One page of an OpenAI-style list (`GET /threads/{id}/messages`, `/conversations/{id}/items`,
/// …): the items, and whether and from where another page follows.
public struct APIList<Item: Decodable & Sendable>: Decodable, Sendable {
    public var data: [Item]
    public var hasMore: Bool?
    public var lastID: String?

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case lastID = "last_id"
    }
}

extension APIClient {
    /// Every item of the list at `path`, oldest first: pages of 100 following `after` while
    /// the server says `has_more`; `id` names the cursor when a page leaves `last_id` out.
    public func listAll<Item: Decodable & Sendable>(
        _ path: String, as type: Item.Type, id: (Item) -> String?
    ) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        repeat {
            let query = "?order=asc&limit=100" + (cursor.map { "&after=\($0)" } ?? "")
            let page = try await json(.GET, path + query, as: APIList<Item>.self)
            items += page.data
            // An empty page ends the walk even if it claims more: it gives no cursor to follow.
            cursor = page.hasMore == true && !page.data.isEmpty ? page.lastID ?? page.data.last.flatMap(id) : nil
        } while cursor != nil
        return items
    }
}
