import Foundation
import ThreadlineCore

/// Typed reads of the optional fields of one entry of a configuration file (tools.json,
/// mcp.json), each failing with a line that names the entry and the field.
struct ConfigFields {
    var fields: [String: JSONValue]
    var context: String

    func string(_ key: String) throws -> String? {
        guard let value = fields[key] else { return nil }
        guard let text = value.stringValue else { throw ConfigurationError("\(context): \"\(key)\" must be a string") }
        return text
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = fields[key] else { return nil }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            throw ConfigurationError("\(context): \"\(key)\" must be an array of strings")
        }
        return items.compactMap(\.stringValue)
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let value = fields[key] else { return [:] }
        guard case .object(let members) = value, members.values.allSatisfy({ $0.stringValue != nil }) else {
            throw ConfigurationError("\(context): \"\(key)\" must be an object of strings")
        }
        return members.compactMapValues(\.stringValue)
    }

    func seconds(_ key: String) throws -> Duration? {
        guard let value = fields[key] else { return nil }
        // Clamped like every other timeout: 1e300 would overflow the clock and trap.
        guard let duration = value.doubleValue.flatMap(Duration.setting(seconds:)) else {
            throw ConfigurationError("\(context): \(Duration.settingProblem("\"\(key)\""))")
        }
        return duration
    }

    func approval() throws -> ToolApproval? {
        guard let text = try string("approval") else { return nil }
        guard let value = ToolApproval(rawValue: text) else {
            throw ConfigurationError("\(context): \"approval\" must be \"ask\" or \"auto\"")
        }
        return value
    }
}
