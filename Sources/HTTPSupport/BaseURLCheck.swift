import Foundation

/// What is wrong with a server URL given by the user, found before any request is made.
public enum BaseURLCheck {
    /// An example of a good base URL, for the messages.
    public static let example = "http://localhost:11434/v1"

    /// Why `url` cannot be a server URL (`WHAT (WHY) — WHAT TO DO`, for `source`, e.g. `--base-url`); nil when it can.
    public static func problem(_ url: String, source: String) -> String? {
        let fix = "give one like \(example)"
        guard url.contains("://"), let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return "\(source) \(url) is not a server URL (no http:// or https://) — \(fix)"
        }
        guard scheme == "http" || scheme == "https" else {
            return "\(source) \(url) is not a server URL (scheme \(scheme); only http and https are spoken) — \(fix)"
        }
        guard let host = components.host, !host.isEmpty else {
            return "\(source) \(url) has no host — \(fix)"
        }
        return nil
    }

    /// A warning when `url`'s path does not end in a version such as `/v1`, as OpenAI-compatible servers expect.
    public static func versionHint(_ url: String, source: String) -> String? {
        guard let components = URLComponents(string: url) else { return nil }
        let last = components.path.split(separator: "/").last ?? ""
        guard !(last.hasPrefix("v") && last.dropFirst().first?.isNumber == true) else { return nil }
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        return "\(source) \(url) does not end in a version such as /v1 — most OpenAI-compatible servers want \(trimmed)/v1"
    }
}
