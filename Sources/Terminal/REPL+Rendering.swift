import Foundation
import ThreadlineCore

/// `/render` and `/copy`.
extension REPL {
    func changeRendering(markdown: Bool?) {
        guard let markdown else {
            return renderer.info("replies: " + (renderer.rendersMarkdown ? "rendered as Markdown" : "written as the model sends them"))
        }
        guard renderer.setRendersMarkdown(markdown) else {
            return renderer.error("Markdown needs a colour terminal on stdout (not piped, NO_COLOR unset)")
        }
        renderer.notice(markdown ? "replies are rendered as Markdown" : "replies are written exactly as the model sends them")
    }

    /// Copies from the thread's last reply, as stored, so it works after `/resume` too.
    func copy(_ target: CopyTarget) async throws {
        guard let reply = try await transcript().last(where: { $0.kind == .assistant })?.text else {
            return renderer.error("no reply to copy yet")
        }
        let text: String
        let what: String
        switch target {
        case .reply:
            text = reply
            what = "the reply"
        case .codeBlock(let number):
            let blocks = MarkdownDocument.codeBlocks(in: reply)
            guard !blocks.isEmpty else { return renderer.error("the last reply has no code block; /copy reply copies all of it") }
            let index = number ?? blocks.count
            guard index <= blocks.count else {
                return renderer.error("the last reply has \(blocks.count) code block\(blocks.count == 1 ? "" : "s")")
            }
            text = blocks[index - 1]
            what = "code block \(index)"
        }
        guard renderer.copyToClipboard(text) else { return renderer.error("/copy needs a terminal on stdout (it uses OSC 52)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        renderer.notice("copied \(what) (\(lines) line\(lines == 1 ? "" : "s")) to the clipboard")
    }
}
