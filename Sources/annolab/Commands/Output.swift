// Writing a line to standard output at once, even when it is a pipe or a file.
import Foundation

/// Prints a line unbuffered, so scripts and tests that wait for it see it immediately.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
