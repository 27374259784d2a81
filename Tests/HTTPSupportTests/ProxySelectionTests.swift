import AssistantsWire
import Testing

@testable import HTTPSupport

@Suite("Proxy selection")
struct ProxySelectionTests {
    private typealias Proxy = HTTPSettings.Proxy

    private func proxy(_ url: String, _ environment: [String: String]) -> Proxy? {
        HTTPSettings.proxy(for: url, environment: environment)
    }

    @Test func httpsTargetsUseHTTPSProxy() {
        let environment = ["HTTPS_PROXY": "http://secure.proxy:3128", "HTTP_PROXY": "http://plain.proxy:8080"]
        #expect(proxy("https://api.openai.com/v1", environment) == Proxy(host: "secure.proxy", port: 3128))
        #expect(proxy("http://127.0.0.1:11434/v1", environment) == Proxy(host: "plain.proxy", port: 8080))
    }

    @Test func noVariableMeansNoProxy() {
        #expect(proxy("https://api.openai.com/v1", [:]) == nil)
        #expect(proxy("https://api.openai.com/v1", ["HTTP_PROXY": "http://plain.proxy:8080"]) == nil)
    }

    @Test func lowerCaseVariablesWorkAndUpperCaseWins() {
        #expect(proxy("https://api.openai.com/v1", ["https_proxy": "http://lower:1"]) == Proxy(host: "lower", port: 1))
        #expect(
            proxy("https://api.openai.com/v1", ["HTTPS_PROXY": "http://upper:2", "https_proxy": "http://lower:1"])
                == Proxy(host: "upper", port: 2))
        #expect(proxy("https://api.openai.com/v1", ["HTTPS_PROXY": "", "https_proxy": "http://lower:1"]) == Proxy(host: "lower", port: 1))
    }

    @Test func schemeAndPortMayBeLeftOut() {
        #expect(proxy("https://api.openai.com/v1", ["HTTPS_PROXY": "corp-proxy:3128"]) == Proxy(host: "corp-proxy", port: 3128))
        #expect(proxy("https://api.openai.com/v1", ["HTTPS_PROXY": "http://corp-proxy"]) == Proxy(host: "corp-proxy", port: 80))
    }

    @Test func unusableValuesMeanNoProxy() {
        #expect(proxy("https://api.openai.com/v1", ["HTTPS_PROXY": ""]) == nil)
        #expect(proxy("not a url", ["HTTPS_PROXY": "http://proxy:1"]) == nil)
    }

    @Test func noProxyNamesHostsAndDomains() {
        let environment = ["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost, .internal.example ,openai.com"]
        #expect(proxy("https://localhost:8443/v1", environment) == nil)
        #expect(proxy("https://api.openai.com/v1", environment) == nil)
        #expect(proxy("https://openai.com/v1", environment) == nil)
        #expect(proxy("https://llm.internal.example/v1", environment) == nil)
        #expect(proxy("https://API.OPENAI.COM/v1", environment) == nil)
        // A suffix that is not a whole domain label does not match.
        #expect(proxy("https://notopenai.com/v1", environment) == Proxy(host: "proxy", port: 3128))
        #expect(proxy("https://example.org/v1", environment) == Proxy(host: "proxy", port: 3128))
    }

    @Test func leadingDotCoversTheDomainItself() {
        let environment = ["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": ".internal.example"]
        #expect(proxy("https://internal.example/v1", environment) == nil)
    }

    @Test func noProxyStarBypassesEverything() {
        #expect(proxy("https://api.openai.com/v1", ["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "*"]) == nil)
    }

    @Test func lowerCaseNoProxyWorksAndAnEmptyUpperCaseOneDoesNotHideIt() {
        let lower = ["HTTPS_PROXY": "http://proxy:3128", "no_proxy": "openai.com"]
        #expect(proxy("https://api.openai.com/v1", lower) == nil)
        #expect(proxy("https://api.openai.com/v1", lower.merging(["NO_PROXY": ""]) { $1 }) == nil)
    }

    @Test func emptyNoProxyEntriesMatchNothing() {
        let environment = ["HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": ",, ,."]
        #expect(proxy("https://api.openai.com/v1", environment) == Proxy(host: "proxy", port: 3128))
    }
}

@Suite("HTTPSettings and HTTPError")
struct HTTPSettingsTests {
    @Test func baseURLLosesATrailingSlash() {
        #expect(HTTPSettings(baseURL: "http://127.0.0.1:8080/v1/", apiKey: nil).baseURL == "http://127.0.0.1:8080/v1")
        #expect(HTTPSettings(baseURL: "http://127.0.0.1:8080/v1", apiKey: nil).baseURL == "http://127.0.0.1:8080/v1")
    }

    @Test func errorsReadAsOneLine() {
        #expect(HTTPError.api(status: 503, body: nil).description == "HTTP 503 from the server")
        let limited = APIErrorBody(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded")
        #expect(
            HTTPError.api(status: 429, body: limited).description
                == "HTTP 429 Too Many Requests: Rate limit reached (requests, rate_limit_exceeded) — too many requests or no quota "
                + "left: wait and try again, or check the account's limits")
        #expect(
            HTTPError.api(status: 401, body: APIErrorBody(message: "Bad key")).description
                == "HTTP 401 Unauthorized: Bad key — set OPENAI_API_KEY to a key this server accepts")
        #expect(HTTPError.api(status: 401, body: APIErrorBody(message: "Bad key")).summary == "HTTP 401 Unauthorized: Bad key")
        #expect(
            HTTPError.api(status: 404, body: nil).description
                == "HTTP 404 Not Found from the server — check --base-url (OpenAI-compatible servers usually end it in /v1) and --model")
        #expect(HTTPError.api(status: 403, body: nil).description.hasPrefix("HTTP 403 Forbidden from the server — the key may not"))
        #expect(HTTPError.connection("connection refused").description == "cannot reach the server: connection refused")
        #expect(HTTPError.timeout("connecting to the server").description == "timed out: connecting to the server")
        #expect(HTTPError.streamCut("eof").description == "the stream broke off: eof")
        #expect(HTTPError.invalidResponse("bad JSON").description == "unexpected response: bad JSON")
        #expect(HTTPError.invalidURL("x").description == "invalid URL: x")
    }
}
