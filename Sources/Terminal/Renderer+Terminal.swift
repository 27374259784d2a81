extension Renderer {
    /// A renderer for stdout as it is: colour and Markdown only on a terminal without NO_COLOR
    /// (and Markdown only when `markdown`), wrapped at the terminal's current width.
    public static func forTerminal(interactive: Bool, environment: [String: String], markdown: Bool) -> Renderer {
        let terminal = TerminalInfo.stdoutIsTTY
        return Renderer(
            interactive: interactive, color: wantsColor(environment: environment, stdoutIsTTY: terminal),
            columns: terminal ? { @Sendable in TerminalInfo.columns } : nil, markdown: markdown,
            hyperlinks: TerminalInfo.supportsHyperlinks(environment: environment), rows: { @Sendable in TerminalInfo.rows })
    }
}
