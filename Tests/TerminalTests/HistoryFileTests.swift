import Foundation
import TestSupport
import Testing

@testable import Terminal

@Suite struct HistoryFileTests {
    let directory = TemporaryDirectory("threadline-history")

    @Test func entriesSurviveAReloadIncludingNewlinesAndBackslashes() throws {
        let path = directory.file("state/history")
        let history = try HistoryFile(path: path)
        try history.add("오늘 부산의 날씨는 어때요?")
        try history.add("two\nlines with a \\ backslash")
        let reloaded = try HistoryFile(path: path)
        #expect(reloaded.entries == ["오늘 부산의 날씨는 어때요?", "two\nlines with a \\ backslash"])
    }

    @Test func consecutiveDuplicatesAndEmptyLinesAreDropped() throws {
        let history = try HistoryFile(path: directory.file("history"))
        #expect(try history.add("a"))
        #expect(try !history.add("a"))
        #expect(try !history.add(""))
        #expect(try history.add("b"))
        #expect(try history.add("a"))
        #expect(try HistoryFile(path: directory.file("history")).entries == ["a", "b", "a"])
    }

    @Test func theFileIsCappedAndKeepsTheNewest() throws {
        let path = directory.file("history")
        let history = try HistoryFile(path: path, limit: 5)
        for index in 0..<12 { try history.add("line \(index)") }
        #expect(history.entries == (7..<12).map { "line \($0)" })
        #expect(try HistoryFile(path: path, limit: 5).entries == (7..<12).map { "line \($0)" })
    }

    @Test func theFileIsPrivate() throws {
        let path = directory.file("history")
        try HistoryFile(path: path).add("secret question")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func anUnwritableLocationIsAnErrorNotACrash() throws {
        let blocker = directory.file("file")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
        let history = try HistoryFile(path: blocker + "/history")
        #expect(throws: (any Error).self) { try history.add("x") }
        #expect(history.entries == ["x"])
    }
}
