import Hummingbird

/// Checks every request before anything reads it: a loopback server without a key answers only
/// requests addressed to a loopback name (so a DNS-rebinding web page, whose requests carry its
/// own host name, cannot reach the threads), and a declared body over the limit is refused with
/// 413 at once instead of being waited for.
struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    let settings: ServeSettings

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if !settings.answers(authority: request.head.authority) {
            return APIFailure(
                status: 421, message: "This server answers only requests addressed to 127.0.0.1, localhost or [::1].",
                code: "misdirected_request"
            ).response
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes {
            return APIFailure.bodyTooLarge(limit: settings.maxBodyBytes).response
        }
        return try await next(request, context)
    }
}
