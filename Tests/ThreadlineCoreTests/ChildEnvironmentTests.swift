import Testing
import ThreadlineCore

@Suite struct ChildEnvironmentTests {
    @Test func keepsOnlyWhatAProgramNeedsPlusWhatTheConfigurationNames() {
        let parent = [
            "PATH": "/usr/bin", "HOME": "/home/me", "LANG": "ko_KR.UTF-8", "TERM": "xterm", "OPENAI_API_KEY": "sk-secret",
            "THREADLINE_SERVE_KEY": "serve-secret", "HTTPS_PROXY": "http://user:pw@proxy",
        ]
        let clean = ChildEnvironment.clean(from: parent, adding: ["TZ": "UTC", "PATH": "/opt/bin"])
        #expect(clean == ["PATH": "/opt/bin", "HOME": "/home/me", "LANG": "ko_KR.UTF-8", "TERM": "xterm", "TZ": "UTC"])
        #expect(ChildEnvironment.entries(["B": "2", "A": "1"]) == ["A=1", "B=2"])
    }
}
