import Foundation
import MCP

/// Turns what an MCP tool returns into the text output the model gets.
enum MCPContent {
    /// Text parts as they are; anything else summarised in one line (the model cannot see
    /// images through a function output, and a base64 blob would only fill its context).
    static func output(_ content: [MCP.Tool.Content]) -> String {
        content.map(part).joined(separator: "\n")
    }

    static func part(_ content: MCP.Tool.Content) -> String {
        switch content {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return "[image \(mimeType), \(size(data))]"
        case .audio(let data, let mimeType, _, _):
            return "[audio \(mimeType), \(size(data))]"
        case .resource(let resource, _, _):
            if let text = resource.text { return text }
            return "[resource \(resource.uri)" + (resource.mimeType.map { ", \($0)" } ?? "") + (resource.blob.map { ", \(size($0))" } ?? "")
                + "]"
        case .resourceLink(let uri, let name, _, _, let mimeType, _):
            return "[resource link \(name): \(uri)" + (mimeType.map { ", \($0)" } ?? "") + "]"
        }
    }

    /// The decoded size of base64 `data`, e.g. "2.4 KB".
    private static func size(_ base64: String) -> String {
        let bytes = base64.count / 4 * 3 - (base64.hasSuffix("==") ? 2 : base64.hasSuffix("=") ? 1 : 0)
        return bytes < 1024 ? "\(bytes) bytes" : String(format: "%.1f KB", Double(bytes) / 1024)
    }
}
