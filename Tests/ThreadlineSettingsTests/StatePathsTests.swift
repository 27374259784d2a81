import Foundation
import TestSupport
import Testing
import ThreadlineSettings

@Suite("StatePaths")
struct StatePathsTests {
    private func paths(_ environment: [String: String]) -> StatePaths {
        // A home the tests can recognise, never the real one.
        StatePaths(environment: environment, homeDirectory: "/fallback-home")
    }

    @Test func threadlineHomeHoldsEverything() {
        let paths = paths(["THREADLINE_HOME": "/srv/tl", "HOME": "/home/me", "XDG_STATE_HOME": "/xdg/state"])
        #expect(paths.historyFile == "/srv/tl/history")
        #expect(paths.databaseFile == "/srv/tl/threads.sqlite")
        #expect(paths.configDirectory == "/srv/tl/config")
    }

    @Test func xdgDefaultsUnderHome() {
        let paths = paths(["HOME": "/home/me"])
        #expect(paths.historyFile == "/home/me/.local/state/threadline/history")
        #expect(paths.databaseFile == "/home/me/.local/share/threadline/threads.sqlite")
        #expect(paths.configDirectory == "/home/me/.config/threadline")
    }

    @Test func xdgVariablesWin() {
        let paths = paths([
            "HOME": "/home/me", "XDG_STATE_HOME": "/xdg/state", "XDG_DATA_HOME": "/xdg/data", "XDG_CONFIG_HOME": "/xdg/config",
        ])
        #expect(paths.historyFile == "/xdg/state/threadline/history")
        #expect(paths.databaseFile == "/xdg/data/threadline/threads.sqlite")
        #expect(paths.configDirectory == "/xdg/config/threadline")
    }

    @Test func emptyVariablesCountAsUnset() {
        let paths = paths([
            "THREADLINE_HOME": "", "HOME": "/home/me", "XDG_STATE_HOME": "", "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "",
        ])
        #expect(paths == self.paths(["HOME": "/home/me"]))
    }

    @Test func relativeXDGPathsAreIgnored() {
        let paths = paths([
            "HOME": "/home/me", "XDG_STATE_HOME": "state", "XDG_DATA_HOME": "./data", "XDG_CONFIG_HOME": "~/.config",
        ])
        #expect(paths == self.paths(["HOME": "/home/me"]))
    }

    @Test func missingOrEmptyHomeFallsBack() {
        #expect(paths([:]).historyFile == "/fallback-home/.local/state/threadline/history")
        #expect(paths(["HOME": ""]).databaseFile == "/fallback-home/.local/share/threadline/threads.sqlite")
    }
}

@Suite("Config directory precedence")
struct ConfigDirectoryTests {
    private let home = TemporaryDirectory("threadline-settings")

    /// Creates `relative` (and its parents) under the temporary home; returns its path.
    private func directory(_ relative: String) throws -> String {
        let path = home.file(relative)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func flagBeatsThreadlineHome() throws {
        let flag = try directory("mine")
        #expect(FileManager.default.createFile(atPath: flag + "/tools.json", contents: Data("{}".utf8)))
        _ = try directory("tl/config")
        let paths = StatePaths(environment: ["THREADLINE_HOME": home.file("tl")])
        #expect(try paths.resolvedConfigDirectory(flag: flag) == flag)
    }

    @Test func threadlineHomeBeatsXDG() throws {
        let ours = try directory("tl/config")
        _ = try directory("xdg/threadline")
        let paths = StatePaths(environment: ["THREADLINE_HOME": home.file("tl"), "XDG_CONFIG_HOME": home.file("xdg")])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == ours)
    }

    @Test func xdgConfigBeatsBuiltIn() throws {
        let xdg = try directory("xdg/threadline")
        let paths = StatePaths(environment: ["HOME": home.path, "XDG_CONFIG_HOME": home.file("xdg")])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == xdg)
    }

    @Test func homeDotConfigWithoutXDGVariable() throws {
        let dotConfig = try directory(".config/threadline")
        let paths = StatePaths(environment: ["HOME": home.path])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == dotConfig)
    }

    @Test func builtInWhenNoDirectoryExists() throws {
        let paths = StatePaths(environment: ["HOME": home.path])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == nil)
    }

    @Test func threadlineHomeWithoutConfigDoesNotFallBackToXDG() throws {
        // THREADLINE_HOME isolates a session (the tests rely on it): the user's XDG config stays out.
        _ = try directory("xdg/threadline")
        let paths = StatePaths(environment: ["THREADLINE_HOME": home.file("tl"), "XDG_CONFIG_HOME": home.file("xdg")])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == nil)
    }

    @Test func aFileNamedConfigIsNotADirectory() throws {
        _ = try directory("tl")
        #expect(FileManager.default.createFile(atPath: home.file("tl/config"), contents: Data()))
        let paths = StatePaths(environment: ["THREADLINE_HOME": home.file("tl")])
        #expect(try paths.resolvedConfigDirectory(flag: nil) == nil)
    }

    @Test func flagMustBeADirectoryWithConfiguration() throws {
        let paths = StatePaths(environment: ["HOME": home.path])
        let missing = home.file("nowhere")
        #expect(throws: ConfigDirectoryError(path: missing, reason: .missing)) { try paths.resolvedConfigDirectory(flag: missing) }
        #expect(
            ConfigDirectoryError(path: missing, reason: .missing).description
                == "--config \(missing) does not exist — give a directory with assistant.json, tools.json or mcp.json, "
                + "or leave out --config for the built-in assistant")
        #expect(FileManager.default.createFile(atPath: home.file("plain"), contents: Data()))
        #expect(throws: ConfigDirectoryError(path: home.file("plain"), reason: .isFile)) {
            try paths.resolvedConfigDirectory(flag: home.file("plain"))
        }
        let empty = try directory("empty")
        #expect(throws: ConfigDirectoryError(path: empty, reason: .empty)) { try paths.resolvedConfigDirectory(flag: empty) }
        #expect(ConfigDirectoryError(path: empty, reason: .empty).description.hasPrefix("--config \(empty) holds none of"))
    }

    @Test func existenceCheckIsInjectable() throws {
        let paths = StatePaths(environment: ["THREADLINE_HOME": "/virtual"])
        var asked: [String] = []
        let found = try paths.resolvedConfigDirectory(flag: nil) { path in
            asked.append(path)
            return true
        }
        #expect(found == "/virtual/config")
        #expect(asked == ["/virtual/config"])
    }
}
