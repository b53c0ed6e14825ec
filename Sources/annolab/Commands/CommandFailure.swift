// The error a command throws when it cannot go on: one plain line that says why.

/// A command's failure, printed as one line (e.g. "Error: answers.csv line 7 has 2 fields, ...")
/// before the command exits with a non-zero status.
///
/// ```swift
/// throw CommandFailure(description: "Cannot read answers.csv: no such file.")
/// ```
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
