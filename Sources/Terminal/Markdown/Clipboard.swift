import Foundation

/// Copying to the clipboard by OSC 52, which the terminal performs itself, so it works over
/// SSH; inside tmux the sequence is also sent wrapped for passthrough to the outer terminal
/// (tmux itself takes the plain one when `set-clipboard` is on).
enum Clipboard {
    static func sequence(copying text: String, insideTmux: Bool) -> String {
        let plain = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        guard insideTmux else { return plain }
        return plain + "\u{1B}Ptmux;" + plain.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
    }
}
