import Foundation
import Hummingbird

/// What every `/v1` request goes through: the Bearer key when one is set, the Assistants beta
/// header, and errors rendered as the API's error object.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            try authorize(request)
            try requireBeta(request)
            return try await next(request, context)
        } catch {
            return APIFailure.from(error).response
        }
    }

    private func authorize(_ request: Request) throws {
        guard let apiKey else { return }
        let given = request.headers[.authorization] ?? ""
        guard given.hasPrefix("Bearer "),
            constantTimeEqual(Array(given.utf8.dropFirst(7)), Array(apiKey.utf8))
        else {
            throw APIFailure(
                status: 401,
                message: given.isEmpty
                    ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'."
                    : "Incorrect API key provided.",
                code: "invalid_api_key")
        }
    }

    /// As the Assistants API did: every assistants and threads call must opt in to v2.
    private func requireBeta(_ request: Request) throws {
        let path = request.uri.path
        guard path.hasPrefix("/v1/assistants") || path.hasPrefix("/v1/threads") else { return }
        let values = request.headers.filter { $0.name.canonicalName == "openai-beta" }
            .flatMap { $0.value.split(separator: ",") }
        guard values.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "assistants=v2" })
        else {
            throw APIFailure.invalid(
                "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
                    + "Please try again by setting the header 'OpenAI-Beta: assistants=v2'.")
        }
    }

    /// Compares without an early exit, so timing does not reveal how much of a key matched.
    private func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |=
                (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}
