/// The one sanitiser for untrusted text on its way to a terminal (replies, stored messages,
/// thread titles, tool names and arguments, server error messages): newlines, tabs and
/// printable text pass; every other C0 or C1 control character is shown as a visible symbol
/// (`ESC` as ␛, `BEL` as ␇, DEL as ␡, C1 as �), so no model, server or `serve` client can move
/// the cursor, clear the screen, change colours or set the window title.
///
/// Reply text written to a stdout that is not a terminal is data, not display, and stays byte
/// for byte as the model sent it (the piped contract); everything else shown to a person goes
/// through here.
public enum TerminalText {
    /// `text` with its control characters made visible.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80..<0xA0: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar.value != 0x0A && scalar.value != 0x09) || (0x7F..<0xA0).contains(scalar.value)
    }
}
