import Foundation
import ThreadlineCore

extension ChildProcess {
    /// The `poll` loop of one run, on its own thread: writes stdin, drains stdout and stderr (so
    /// the child never blocks on a full pipe), reaps the child, and enforces the deadline.
    struct WaitLoop: Sendable {
        let process: ChildProcess
        let spawned: Spawned
        let input: Data
        let cancel: CancelSignal

        private final class Pipes {
            var stdin: Int32?
            var stdout: Int32?
            var stderr: Int32?
            var written = 0
            var stdoutData = Data()
            var stdoutTotal = 0
            var stderrData = Data()
            var stderrTotal = 0

            init(_ spawned: Spawned) {
                stdin = spawned.stdin
                stdout = spawned.stdout
                stderr = spawned.stderr
            }

            func closeAll() {
                for fd in [stdin, stdout, stderr].compactMap({ $0 }) { close(fd) }
                (stdin, stdout, stderr) = (nil, nil, nil)
            }
        }

        func run() -> Result {
            // A child that exits without reading its input must give EPIPE here, not kill us.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

            let pipes = Pipes(spawned)
            defer {
                pipes.closeAll()
                cancel.disarm()
                close(spawned.cancelRead)
            }
            if input.isEmpty { closeStdin(pipes) }
            let clock = ContinuousClock()
            let deadline = clock.now + process.timeout
            var killAt: ContinuousClock.Instant?
            var forced: Ending?
            var status: Int32 = 0
            while true {
                if let reaped = reap() {
                    status = reaped
                    break
                }
                // Before the deadline wait for it; in the grace period for the SIGKILL; then just poll.
                let due = forced == nil ? deadline : killAt ?? clock.now.advanced(by: .milliseconds(100))
                waitForEvents(pipes, until: due, clock: clock)
                if cancelRequested() {
                    forced = .cancelled
                    kill(-spawned.pid, SIGKILL)
                    killAt = nil
                } else if forced == nil, clock.now >= deadline {
                    forced = .timedOut
                    kill(-spawned.pid, SIGTERM)
                    killAt = clock.now + process.killGrace
                } else if let due = killAt, clock.now >= due {
                    kill(-spawned.pid, SIGKILL)
                    killAt = nil
                }
            }
            // What the child wrote just before exiting is still in the pipes.
            _ = readAvailable(pipes.stdout, into: &pipes.stdoutData, total: &pipes.stdoutTotal, limit: process.outputLimit)
            _ = readAvailable(pipes.stderr, into: &pipes.stderrData, total: &pipes.stderrTotal, limit: process.errorLimit)
            return Result(
                ending: forced ?? Self.ending(status), stdout: pipes.stdoutData, stdoutTotal: pipes.stdoutTotal,
                stderr: pipes.stderrData)
        }

        private func waitForEvents(_ pipes: Pipes, until due: ContinuousClock.Instant, clock: ContinuousClock) {
            var fds = [pollfd(fd: spawned.cancelRead, events: Int16(POLLIN), revents: 0)]
            if let fd = pipes.stdin { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            for fd in [pipes.stdout, pipes.stderr].compactMap({ $0 }) { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            // Exit is noticed by reaping, so wake regularly; quickly once the pipes are closed.
            let cap = fds.count == 1 ? 10 : 100
            let milliseconds = max(0, min(cap, Int(clock.now.duration(to: due).inSeconds * 1000) + 1))
            guard poll(&fds, nfds_t(fds.count), Int32(milliseconds)) > 0 else { return }
            for entry in fds.dropFirst() where entry.revents != 0 {
                if entry.fd == pipes.stdin {
                    writeInput(pipes)
                } else if entry.fd == pipes.stdout {
                    if !readAvailable(pipes.stdout, into: &pipes.stdoutData, total: &pipes.stdoutTotal, limit: process.outputLimit) {
                        close(entry.fd)
                        pipes.stdout = nil
                    }
                } else if entry.fd == pipes.stderr {
                    if !readAvailable(pipes.stderr, into: &pipes.stderrData, total: &pipes.stderrTotal, limit: process.errorLimit) {
                        close(entry.fd)
                        pipes.stderr = nil
                    }
                }
            }
        }

        private func writeInput(_ pipes: Pipes) {
            guard let fd = pipes.stdin else { return }
            let count = input.withUnsafeBytes { bytes in
                write(fd, bytes.baseAddress! + pipes.written, bytes.count - pipes.written)
            }
            if count > 0 { pipes.written += count }
            // Done, or the child closed its stdin (EPIPE): either way no more input.
            if pipes.written == input.count || (count < 0 && errno != EAGAIN && errno != EINTR) { closeStdin(pipes) }
        }

        private func closeStdin(_ pipes: Pipes) {
            if let fd = pipes.stdin { close(fd) }
            pipes.stdin = nil
        }

        /// Reads what is there now, keeping up to `limit` bytes; false at end of file. Bounded, so
        /// a child writing without pause cannot keep the loop from its deadline.
        private func readAvailable(_ fd: Int32?, into data: inout Data, total: inout Int, limit: Int) -> Bool {
            guard let fd else { return false }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            for _ in 0..<16 {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    total += count
                    if data.count < limit { data.append(contentsOf: buffer[0..<min(count, limit - data.count)]) }
                } else if count == 0 {
                    return false
                } else {
                    return errno == EAGAIN || errno == EINTR
                }
            }
            return true
        }

        /// True once the task was cancelled; takes the wake-up byte so the pipe stops waking `poll`.
        private func cancelRequested() -> Bool {
            var probe = pollfd(fd: spawned.cancelRead, events: Int16(POLLIN), revents: 0)
            guard poll(&probe, 1, 0) > 0 else { return false }
            var byte: UInt8 = 0
            _ = read(spawned.cancelRead, &byte, 1)
            return true
        }

        /// The wait status once the child has ended, without blocking.
        private func reap() -> Int32? {
            var status: Int32 = 0
            let result = waitpid(spawned.pid, &status, WNOHANG)
            if result == -1 && errno == ECHILD { return 0 }  // reaped elsewhere: the status is lost
            return result == spawned.pid ? status : nil
        }

        /// Decodes a wait status (the WIFEXITED/WEXITSTATUS macros are not imported into Swift).
        private static func ending(_ status: Int32) -> Ending {
            status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        }
    }
}
