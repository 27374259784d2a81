extension TmuxSession {
    /// Pastes `text` as a terminal does: tmux wraps it in the bracketed-paste markers when the
    /// application turned that mode on, and sends newlines as carriage returns.
    public func paste(_ text: String) throws {
        let buffer = "paste-\(name)"
        try tmux(["set-buffer", "-b", buffer, text])
        try tmux(["paste-buffer", "-p", "-d", "-b", buffer, "-t", name])
    }
}
