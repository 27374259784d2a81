import Foundation

// The floor for `threadline-bench startup`: a Swift program that loads Foundation and prints one
// line, built and stripped exactly as the installed `threadline` is.
FileHandle.standardOutput.write(Data("hello, \(ProcessInfo.processInfo.processName)\n".utf8))
