import Foundation

/// Ids shaped like the Assistants API's: a prefix and 24 random alphanumerics.
enum WireID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + "_" + String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Unix seconds now.
func unixNow() -> Int { Int(Date().timeIntervalSince1970) }

func unixNowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
