import Foundation
import TestSupport
import Testing

/// `threadline --version`, `--help` and the completion scripts `make install` installs.
@Suite struct VersionTests {
    @Test func versionNamesTheReleaseAndTheRevisionItWasBuiltFrom() throws {
        let output = try ProcessRunner.run(["--version"], lines: [])
        #expect(output.status == 0)
        // The revision is `git describe --always --dirty` when make built it, else "unknown".
        let line = output.stdout.trimmingCharacters(in: .newlines)
        #expect(line.wholeMatch(of: /0\.1\.0 \((unknown|[0-9a-f]{7,}(-dirty)?|[^ ()]+-g[0-9a-f]{7,}(-dirty)?)\)/) != nil, "\(line)")
    }

    /// The chat options apply without naming `chat`, so the root's help lists them too.
    @Test func rootHelpListsTheChatOptions() throws {
        let output = try ProcessRunner.run(["--help"], lines: [])
        #expect(output.status == 0)
        for option in ["SUBCOMMANDS:", "CHAT OPTIONS", "--continue", "--plain", "--assistant-config", "--backend"] {
            #expect(output.stdout.contains(option), "\(option): \(output.stdout)")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptCoversTheSubcommands(shell: String) throws {
        let output = try ProcessRunner.run(["--generate-completion-script", shell], lines: [])
        #expect(output.status == 0)
        #expect(output.stdout.contains("serve") && output.stdout.contains("threads"), "\(output.stdout.prefix(300))")
    }
}
