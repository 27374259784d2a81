/// How a run of rendered text looks: SGR attributes, a foreground colour, an optional
/// background and an optional hyperlink target.
struct TextStyle: Equatable, Sendable {
    var bold = false
    var dim = false
    var italic = false
    var underline = false
    var strikethrough = false
    /// An SGR foreground parameter ("36", "38;5;215"); nil: the default colour.
    var foreground: String?
    /// An SGR background parameter; nil: the default background.
    var background: String?
    /// The URL of a link, written as an OSC 8 hyperlink when the terminal supports them.
    var link: String?

    static let plain = TextStyle()

    /// The SGR sequence that selects exactly this style, from a reset.
    var sgr: String {
        var parameters = ["0"]
        if bold { parameters.append("1") }
        if dim { parameters.append("2") }
        if italic { parameters.append("3") }
        if underline { parameters.append("4") }
        if strikethrough { parameters.append("9") }
        if let foreground { parameters.append(foreground) }
        if let background { parameters.append("48;5;" + background) }
        return "\u{1B}[" + parameters.joined(separator: ";") + "m"
    }

    func with(_ change: (inout TextStyle) -> Void) -> TextStyle {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A piece of text in one style.
struct StyledRun: Equatable, Sendable {
    var text: String
    var style: TextStyle

    init(_ text: String, _ style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }
}

extension [StyledRun] {
    /// The text without styles.
    var plainText: String { map(\.text).joined() }

    /// Terminal bytes for one row: each style change selects the style from a reset, links are
    /// opened and closed with OSC 8 (or followed by their URL when `hyperlinks` is off, see
    /// `InlineMarkdown`), and the row ends with every attribute reset.
    func terminalText(hyperlinks: Bool, eraseToEnd: Bool = false) -> String {
        var out = ""
        var current: TextStyle?
        var openLink: String?
        for run in self where !run.text.isEmpty {
            if hyperlinks, run.style.link != openLink {
                out += OSC.hyperlink(run.style.link)
                openLink = run.style.link
            }
            if run.style != current {
                out += run.style.sgr
                current = run.style
            }
            out += run.text
        }
        if openLink != nil { out += OSC.hyperlink(nil) }
        if eraseToEnd { out += "\u{1B}[K" }
        return out + "\u{1B}[0m"
    }
}

/// Operating System Commands the renderer writes.
enum OSC {
    /// Opens an OSC 8 hyperlink to `url`, or closes the open one when nil.
    static func hyperlink(_ url: String?) -> String {
        "\u{1B}]8;;\(url ?? "")\u{1B}\\"
    }
}
