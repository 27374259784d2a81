import Foundation
import Testing

@testable import HTTPSupport

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 2, initialDelay: 0.5, maxDelay: 8)
    /// A fixed "now" for Retry-After dates: Wed, 21 Oct 2015 07:28:00 GMT.
    let now = Date(timeIntervalSince1970: 1_445_412_480)

    private func delay(
        attempt: Int = 1, status: Int?, _ headers: [String: String] = [:], policy: RetryPolicy? = nil
    ) -> Double? {
        (policy ?? self.policy).delay(attempt: attempt, status: status, headers: headers, jitter: 0, now: now)
    }

    @Test(arguments: [408, 409, 429, 500, 502, 503, 504, 599])
    func retriesTheTransientStatuses(status: Int) {
        #expect(RetryPolicy.isRetryable(status: status))
        #expect(delay(status: status) == 0.5)
    }

    @Test(arguments: [400, 401, 403, 404, 410, 422])
    func doesNotRetryClientErrors(status: Int) {
        #expect(!RetryPolicy.isRetryable(status: status))
        #expect(delay(status: status) == nil)
    }

    @Test func retriesAFailedConnection() {
        #expect(delay(status: nil) == 0.5)
    }

    @Test func retriesAPostOnlyWhenItSurelyDidNotArriveOrTheServerAnswered() {
        func post(status: Int?, maybeArrived: Bool) -> Double? {
            policy.delay(attempt: 1, status: status, headers: [:], idempotent: false, maybeArrived: maybeArrived, jitter: 0, now: now)
        }
        // Never connected: the request did not reach the server.
        #expect(post(status: nil, maybeArrived: false) == 0.5)
        // Lost after sending: the server may have acted on it; a retry could do it twice.
        #expect(post(status: nil, maybeArrived: true) == nil)
        // The server answered 5xx/429: it sees the same Idempotency-Key again.
        #expect(post(status: 503, maybeArrived: false) == 0.5)
        #expect(post(status: 429, maybeArrived: false) == 0.5)
        // A GET is safe to repeat whatever happened.
        #expect(policy.delay(attempt: 1, status: nil, headers: [:], maybeArrived: true, jitter: 0, now: now) == 0.5)
    }

    @Test func stopsAfterMaxRetries() {
        #expect(delay(attempt: 2, status: 503) != nil)
        #expect(delay(attempt: 3, status: 503) == nil)
        #expect(delay(attempt: 3, status: 503, ["x-should-retry": "true"]) == nil)
        #expect(delay(status: 503, policy: RetryPolicy(maxRetries: 0)) == nil)
    }

    @Test func shouldRetryFalseOverridesARetryableStatus() {
        #expect(delay(status: 503, ["x-should-retry": "false"]) == nil)
        #expect(delay(status: 429, ["x-should-retry": "FALSE"]) == nil)
        #expect(delay(status: nil, ["x-should-retry": "false"]) == nil)
    }

    @Test func shouldRetryTrueOverridesANonRetryableStatus() {
        #expect(delay(status: 400, ["x-should-retry": "true"]) == 0.5)
        #expect(delay(status: 404, ["x-should-retry": "True"]) == 0.5)
    }

    @Test func otherShouldRetryValuesFallBackToTheStatus() {
        #expect(delay(status: 400, ["x-should-retry": "yes"]) == nil)
        #expect(delay(status: 503, ["x-should-retry": "maybe"]) == 0.5)
    }

    @Test func backoffDoublesUpToTheCapWithJitterTakingAtMostAQuarter() throws {
        let patient = RetryPolicy(maxRetries: 10, initialDelay: 0.5, maxDelay: 8)
        let delays = (1...7).map { delay(attempt: $0, status: 503, policy: patient) }
        #expect(delays == [0.5, 1, 2, 4, 8, 8, 8])
        #expect(patient.delay(attempt: 3, status: 503, headers: [:], jitter: 1, now: now) == 1.5)
        for _ in 0..<50 {
            let random = try #require(patient.delay(attempt: 3, status: 503, headers: [:]))
            #expect((1.5...2).contains(random))
        }
    }

    @Test func retryAfterMillisecondsComesFirst() {
        #expect(delay(status: 429, ["retry-after-ms": "1500", "retry-after": "7"]) == 1.5)
        #expect(delay(status: 429, ["retry-after-ms": "250"]) == 0.25)
    }

    @Test func unreadableRetryAfterMillisecondsFallsBackToRetryAfter() {
        #expect(delay(status: 429, ["retry-after-ms": "soon", "retry-after": "7"]) == 7)
    }

    @Test func retryAfterSeconds() {
        #expect(delay(status: 429, ["retry-after": "3"]) == 3)
        #expect(delay(status: 429, ["retry-after": "0"]) == 0)
        #expect(delay(status: 503, ["retry-after": "0.75"]) == 0.75)
    }

    @Test func retryAfterHTTPDate() {
        #expect(delay(status: 503, ["retry-after": "Wed, 21 Oct 2015 07:28:30 GMT"]) == 30)
        #expect(RetryPolicy.advisedDelay(["retry-after": "Wed, 21 Oct 2015 07:29:00 GMT"], now: now) == 60)
    }

    @Test func advisedPausesOutsideTheCapAreIgnored() {
        // Above 60 s, negative or in the past: the backoff applies instead.
        #expect(delay(status: 429, ["retry-after": "61"]) == 0.5)
        #expect(delay(status: 429, ["retry-after": "60"]) == 60)
        #expect(delay(status: 429, ["retry-after-ms": "60001"]) == 0.5)
        #expect(delay(status: 429, ["retry-after": "-5"]) == 0.5)
        #expect(delay(status: 429, ["retry-after": "Wed, 21 Oct 2015 07:27:00 GMT"]) == 0.5)
        #expect(delay(status: 429, ["retry-after": "Wed, 21 Oct 2015 08:28:00 GMT"]) == 0.5)
    }

    @Test func unreadableRetryAfterIsIgnored() {
        #expect(RetryPolicy.advisedDelay(["retry-after": "tomorrow"], now: now) == nil)
        #expect(delay(status: 429, ["retry-after": "tomorrow"]) == 0.5)
    }

    @Test func advisedPauseDoesNotMakeAFailureRetryable() {
        #expect(delay(status: 400, ["retry-after": "2"]) == nil)
    }
}
