import Foundation

/// Where Threadline keeps its state: everything under THREADLINE_HOME when set, otherwise the
/// XDG directories (history in the state dir, threads in the data dir).
struct StatePaths {
    var historyFile: String
    var databaseFile: String
    /// Searched for assistant.json / tools.json when --config is not given.
    var configDirectory: String

    init(environment: [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func xdg(_ variable: String, _ fallback: String) -> String {
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return home + "/" + fallback
        }
        if let root = environment["THREADLINE_HOME"], !root.isEmpty {
            historyFile = root + "/history"
            databaseFile = root + "/threads.sqlite"
            configDirectory = root + "/config"
        } else {
            historyFile = xdg("XDG_STATE_HOME", ".local/state") + "/threadline/history"
            databaseFile = xdg("XDG_DATA_HOME", ".local/share") + "/threadline/threads.sqlite"
            configDirectory = xdg("XDG_CONFIG_HOME", ".config") + "/threadline"
        }
    }
}
