import Testing

@testable import Terminal

@Suite struct ExternalEditorTests {
    @Test func editorGetsTheCleanEnvironmentWithTheLocale() {
        let entries = ExternalEditor.environment([
            "PATH": "/usr/bin", "HOME": "/home/me", "LC_ALL": "ko_KR.UTF-8", "OPENAI_API_KEY": "sk-secret", "THREADLINE_SERVE_KEY": "k",
        ])
        #expect(entries.contains("PATH=/usr/bin") && entries.contains("HOME=/home/me") && entries.contains("LC_ALL=ko_KR.UTF-8"))
        #expect(!entries.contains { $0.hasPrefix("OPENAI_API_KEY=") || $0.hasPrefix("THREADLINE_SERVE_KEY=") })
    }
}
