import Testing

@testable import Server

@Suite struct ListPageTests {
    let ids = ["a", "b", "c", "d", "e"]

    private func page(_ query: ListQuery) throws -> ListPage<String> {
        try ListPage(ids, query: query, id: { $0 })
    }

    @Test func newestFirstByDefaultWithHasMore() throws {
        let first = try page(ListQuery(limit: 2))
        #expect(first.data == ["e", "d"])
        #expect(first.firstID == "e" && first.lastID == "d" && first.hasMore)
    }

    @Test func afterPagesForwardUntilTheEnd() throws {
        #expect(try page(ListQuery(limit: 2, after: "d")).data == ["c", "b"])
        let last = try page(ListQuery(limit: 2, after: "b"))
        #expect(last.data == ["a"] && !last.hasMore)
    }

    @Test func ascendingAndBeforeTakeTheItemsNextToTheCursor() throws {
        #expect(try page(ListQuery(limit: 10, ascending: true)).data == ids)
        let before = try page(ListQuery(limit: 2, ascending: true, before: "e"))
        #expect(before.data == ["c", "d"] && before.hasMore)
        let start = try page(ListQuery(limit: 2, ascending: true, before: "c"))
        #expect(start.data == ["a", "b"] && !start.hasMore)
    }

    @Test func anEmptyListHasNoIDs() throws {
        let empty = try ListPage([String](), query: ListQuery(), id: { $0 })
        #expect(empty.data.isEmpty && empty.firstID == nil && !empty.hasMore)
    }

    @Test func anUnknownCursorIsABadRequest() {
        #expect(throws: APIFailure.self) { try page(ListQuery(after: "zz")) }
    }
}
