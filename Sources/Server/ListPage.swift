import Backends
import Hummingbird

extension PageRequest {
    /// `limit`, `order`, `after` and `before` of a list request; the API's defaults otherwise.
    init(_ request: Request) throws {
        self.init()
        let parameters = request.uri.queryParameters
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...100).contains(limit) else {
                throw APIFailure.invalid(
                    "Invalid 'limit': expected an integer between 1 and 100.", param: "limit")
            }
            self.limit = limit
        }
        switch parameters["order"] {
        case nil, "desc": ascending = false
        case "asc": ascending = true
        case let other?:
            throw APIFailure.invalid(
                "Invalid 'order': '\(other)' (expected 'asc' or 'desc').", param: "order")
        }
        after = parameters["after"].map(String.init)
        before = parameters["before"].map(String.init)
    }
}
