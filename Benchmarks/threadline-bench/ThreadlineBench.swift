import ArgumentParser

/// `threadline-bench`: Threadline's benchmarks, one subcommand per case. A separate executable,
/// never part of the `threadline` binary; `make bench` builds it in release mode and runs it from
/// the repository root, where it finds its baseline scripts (`Benchmarks/`) and `.venv`.
@main
struct ThreadlineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threadline-bench",
        abstract: "Threadline's benchmarks. Run from the repository root, on a release build.",
        discussion: "See docs/performance.md for the method and the figures.",
        subcommands: [SSEDecodeBench.self, StartupBench.self, TurnBench.self, BigThreadBench.self, ServeBench.self, HelloServer.self],
        defaultSubcommand: SSEDecodeBench.self)
}
