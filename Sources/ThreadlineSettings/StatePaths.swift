import Foundation

/// Where Threadline keeps its state: everything under `THREADLINE_HOME` when set, otherwise the
/// XDG base directories (history in the state dir, threads in the data dir, config in the config
/// dir). Computed from the environment alone, so the rules are tested without touching `$HOME`.
public struct StatePaths: Sendable, Equatable {
    /// The REPL's input history.
    public var historyFile: String
    /// The SQLite database of threads, messages and runs.
    public var databaseFile: String
    /// Searched for assistant.json / tools.json when --config is not given.
    public var configDirectory: String

    /// The paths for `environment`. Empty variables count as unset; an XDG variable that is not
    /// an absolute path is ignored, as the XDG spec asks. `HOME` falls back to `homeDirectory`.
    public init(environment: [String: String], homeDirectory: @autoclosure () -> String = NSHomeDirectory()) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? homeDirectory()
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

    /// The directory to read assistant.json and tools.json from: `flag` (`--config DIR`), which
    /// must be a directory holding at least one of them, else `configDirectory` when it is one,
    /// else nil for the built-in files.
    /// `THREADLINE_HOME` replaces the XDG directories rather than adding to them: with it set, a
    /// missing `$THREADLINE_HOME/config` means the built-in files, not `$XDG_CONFIG_HOME/threadline`.
    public func resolvedConfigDirectory(
        flag: String?, isDirectory: (String) -> Bool = StatePaths.isDirectory
    ) throws(ConfigDirectoryError) -> String? {
        if let flag {
            guard isDirectory(flag) else {
                throw ConfigDirectoryError(path: flag, reason: FileManager.default.fileExists(atPath: flag) ? .isFile : .missing)
            }
            let files = ["assistant.json", "tools.json", "mcp.json"].map { flag + "/" + $0 }
            guard files.contains(where: FileManager.default.fileExists) else { throw ConfigDirectoryError(path: flag, reason: .empty) }
            return flag
        }
        return isDirectory(configDirectory) ? configDirectory : nil
    }

    /// Whether `path` names an existing directory (following symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// `--config DIR` named something that is not a configuration directory.
public struct ConfigDirectoryError: Error, Equatable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    public var reason: Reason

    /// What is wrong with the path.
    public enum Reason: Sendable, Equatable {
        case missing
        case isFile
        /// A directory with none of assistant.json, tools.json and mcp.json.
        case empty
    }

    /// The error for `--config path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let fix = "give a directory with assistant.json, tools.json or mcp.json, or leave out --config for the built-in assistant"
        switch reason {
        case .missing: return "--config \(path) does not exist — \(fix)"
        case .isFile: return "--config \(path) is a file, not a directory — \(fix)"
        case .empty: return "--config \(path) holds none of assistant.json, tools.json, mcp.json — \(fix)"
        }
    }
}

extension StatePaths {
    /// Where each MCP server's stderr is logged (`NAME.log`): beside the history, in the state dir.
    public var mcpLogDirectory: String {
        (historyFile as NSString).deletingLastPathComponent + "/mcp"
    }
}
