extension AsyncThrowingStream where Failure == any Error, Element: Sendable {
    /// A stream fed by `produce`, which runs in a task of its own: the stream finishes when
    /// `produce` returns and throws what it throws, and when the consumer goes away (stops
    /// iterating, or its task is cancelled) the task is cancelled.
    public static func producing(_ produce: @escaping @Sendable (Continuation) async throws -> Void) -> Self {
        let (stream, continuation) = makeStream()
        let task = Task {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
