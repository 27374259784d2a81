import CLibEdit

/// Terminal facts the Markdown renderer adapts to.
extension TerminalInfo {
    /// Rows of the terminal on stdout; nil when stdout is not a terminal.
    public static var rows: Int? {
        let rows = Int(tl_terminal_rows())
        return rows > 0 ? rows : nil
    }

    /// Whether the terminal is known to show OSC 8 hyperlinks (and not to print them as
    /// garbage); otherwise a link's URL is written after its text. tmux passes them on only
    /// when configured to, so inside tmux the URL is shown.
    public static func supportsHyperlinks(environment: [String: String]) -> Bool {
        if environment["TMUX"] != nil || environment["STY"] != nil { return false }
        if environment["KITTY_WINDOW_ID"] != nil || environment["WT_SESSION"] != nil || environment["WEZTERM_PANE"] != nil { return true }
        if let program = environment["TERM_PROGRAM"], ["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper"].contains(program) {
            return true
        }
        if let vte = environment["VTE_VERSION"].flatMap(Int.init), vte >= 5000 { return true }
        return ["xterm-kitty", "foot", "xterm-ghostty", "alacritty"].contains(environment["TERM"] ?? "")
    }
}
