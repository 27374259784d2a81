import ArgumentParser
import Foundation
import HTTPSupport
import ThreadlineCore

/// Network options of the HTTP backends.
struct HTTPOptions: ParsableArguments {
    @Option(help: "Seconds to wait for a connection to the server.")
    var connectTimeout: Double = 10

    @Option(help: "Seconds of silence from the server (before or during a reply) before giving up.")
    var readTimeout: Double = 120

    func validate() throws {
        for (flag, value) in [("--connect-timeout", connectTimeout), ("--read-timeout", readTimeout)]
        where Duration.setting(seconds: value) == nil {
            throw ValidationError(Duration.settingProblem(flag))
        }
    }

    /// Settings for `baseURL`: the key from OPENAI_API_KEY (empty counts as none), the proxy
    /// from the environment.
    func settings(baseURL: String, environment: [String: String]) -> HTTPSettings {
        HTTPSettings(
            baseURL: baseURL, apiKey: environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            connectTimeout: .milliseconds(Int64(connectTimeout * 1000)), readTimeout: .milliseconds(Int64(readTimeout * 1000)),
            proxy: HTTPSettings.proxy(for: baseURL, environment: environment))
    }

    /// The server to use: `--base-url`, else OPENAI_BASE_URL; empty counts as unset. A URL that
    /// cannot be a server is refused before any request; one without `/v1` is warned about.
    static func baseURL(flag: String?, environment: [String: String]) throws -> String? {
        guard let url = (flag ?? environment["OPENAI_BASE_URL"]).flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        let source = flag == nil ? "OPENAI_BASE_URL" : "--base-url"
        if let problem = BaseURLCheck.problem(url, source: source) { throw ValidationError(problem) }
        if let hint = BaseURLCheck.versionHint(url, source: source) {
            FileHandle.standardError.write(Data("warning: \(hint)\n".utf8))
        }
        return url
    }
}
