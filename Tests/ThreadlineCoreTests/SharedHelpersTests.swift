import Testing
import ThreadlineCore

@Suite struct ProducingStreamTests {
    struct Broken: Error, Equatable {}

    @Test func yieldsWhatTheProducerYieldsThenFinishes() async throws {
        let stream = AsyncThrowingStream<Int, any Error>.producing { continuation in
            for number in 1...3 { continuation.yield(number) }
        }
        var received: [Int] = []
        for try await number in stream { received.append(number) }
        #expect(received == [1, 2, 3])
    }

    @Test func throwsWhatTheProducerThrows() async throws {
        let stream = AsyncThrowingStream<Int, any Error>.producing { continuation in
            continuation.yield(1)
            throw Broken()
        }
        var received: [Int] = []
        await #expect(throws: Broken.self) {
            for try await number in stream { received.append(number) }
        }
        #expect(received == [1])
    }

    @Test(.timeLimit(.minutes(1))) func aConsumerThatGoesAwayCancelsTheProducer() async throws {
        let (cancelled, reportCancelled) = AsyncStream<Void>.makeStream()
        let consumer = Task {
            let stream = AsyncThrowingStream<Int, any Error>.producing { continuation in
                continuation.yield(1)
                let (never, keepOpen) = AsyncStream<Void>.makeStream()
                for await _ in never {}  // ends only when this task is cancelled
                keepOpen.finish()
                reportCancelled.finish()
            }
            for try await _ in stream { withUnsafeCurrentTask { $0?.cancel() } }
        }
        _ = await consumer.result
        for await _ in cancelled {}  // ends once the producer saw the cancellation
    }
}

@Suite struct TextAndTimeHelpersTests {
    @Test func hangulSyllablesAndJamo() {
        #expect("오늘 부산".containsHangulSyllable)
        #expect(!"Busan".containsHangulSyllable)
        #expect(!"漢字 かな".containsHangulSyllable)
        #expect(("ᄒ" as Unicode.Scalar).isHangul && !("ᄒ" as Unicode.Scalar).isHangulSyllable)
        #expect(!("a" as Unicode.Scalar).isHangul)
    }

    @Test func durationInSeconds() {
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.seconds(30).formattedSeconds == "30 s")
    }
}
