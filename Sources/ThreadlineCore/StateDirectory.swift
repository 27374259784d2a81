import Foundation

/// Creates the directories Threadline keeps its state in, with errors in words.
public enum StateDirectory {
    /// Creates `path` and its parents (mode 0700 for new ones); an existing directory is fine.
    public static func create(_ path: String) throws(StateDirectoryError) {
        guard !path.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateDirectoryError(path: path, reason: reason(creating: path, error))
        }
    }

    /// The first part of the path that exists but is not a directory, else the system's reason.
    private static func reason(creating path: String, _ error: any Error) -> String {
        var prefix = path.hasPrefix("/") ? "" : "."
        let path = path.hasSuffix("/") ? String(path.dropLast()) : path
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else { break }
            if !isDirectory.boolValue { return prefix == path ? "it is a file" : "\(prefix) is a file" }
        }
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying.map({ Int32($0.code) }), underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(code)).lowercased()
        }
        return error.localizedDescription
    }
}

/// A state directory could not be created: `cannot create DIR: WHY — WHAT TO DO`.
public struct StateDirectoryError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String {
        "cannot create \(path): \(reason) — point THREADLINE_HOME (or the XDG directories) at a directory you can write"
    }
}
