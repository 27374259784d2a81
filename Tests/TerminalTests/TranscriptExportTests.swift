import Foundation
import TestSupport
import Testing
import ThreadlineCore

@testable import Terminal

@Suite struct TranscriptExportTests {
    let directory = TemporaryDirectory("threadline-export")

    /// A turn with two tool calls, a reply, then a /retry that replied again.
    let entries = [
        TranscriptEntry(kind: .user, text: "오늘 부산의 날씨는?\n비는?"),
        TranscriptEntry(kind: .toolCall(name: "get_current_temperature", arguments: #"{"location":"부산"}"#, output: "14"), text: ""),
        TranscriptEntry(kind: .toolCall(name: "get_rain_probability", arguments: #"{"location":"부산"}"#, output: nil), text: ""),
        TranscriptEntry(kind: .assistant, text: "첫 번째 답 ```code```", isPartial: true),
        TranscriptEntry(kind: .assistant, text: "두 번째 답"),
        TranscriptEntry(kind: .user, text: "thanks"),
        TranscriptEntry(kind: .assistant, text: "You're welcome."),
    ]

    @Test func aReplyFollowedByAnotherBeforeTheNextMessageIsSuperseded() {
        #expect(TranscriptEntry.supersededIndices(in: entries) == [3])
        #expect(TranscriptEntry.supersededIndices(in: Array(entries.prefix(4))).isEmpty)
    }

    @Test func jsonRoundTripsEveryEntryWithToolCalls() throws {
        let path = directory.file("thread.json")
        try TranscriptExport.write(entries, threadID: "thread_x", to: path, force: false)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try JSONDecoder().decode(TranscriptExport.Document.self, from: data)
        #expect(document.threadID == "thread_x")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(document.entries.map(\.role) == ["user", "tool", "tool", "assistant", "assistant", "user", "assistant"])
        #expect(document.entries[0].text == "오늘 부산의 날씨는?\n비는?")
        #expect(document.entries[1].output == "14")
        #expect(document.entries[3].superseded == true && document.entries[3].partial == true)
        #expect(document.entries[4].superseded == false)
        // Plain JSON too, for jq and friends.
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((object?["entries"] as? [Any])?.count == 7)
    }

    @Test func markdownHoldsEveryTurnAndFencesToolData() throws {
        let path = directory.file("thread.md")
        try TranscriptExport.write(entries, threadID: "thread_x", to: path, force: false)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        for entry in entries where !entry.text.isEmpty { #expect(markdown.contains(entry.text)) }
        #expect(markdown.contains("## Assistant (partial, superseded by a retry)"))
        #expect(markdown.contains("**Tool call** `get_current_temperature`"))
        #expect(markdown.contains("```json\n{\"location\":\"부산\"}\n```"))
        #expect(markdown.contains("(no output)"))
        #expect(TranscriptExport.fenced("a ``` b").hasPrefix("````\n"))
    }

    @Test func anExistingFileIsReplacedOnlyWithForce() throws {
        let path = directory.file("kept.md")
        try Data("mine".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ExportError.self) { try TranscriptExport.write(entries, threadID: "t", to: path, force: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine")
        try TranscriptExport.write(entries, threadID: "t", to: path, force: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# Threadline thread `t`"))
    }
}
