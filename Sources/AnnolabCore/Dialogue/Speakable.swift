// Text made fit to be read aloud: no markup, no symbols, short lines.
import Foundation

/// Cleans text for the ear: subtitle markup and symbols go, and long text is cut into lines
/// of at most `maximumLine` characters at sentence or word boundaries.
public enum Speakable {
    public static let maximumLine = 200

    /// The characters a line may hold besides letters, digits and spaces.
    public static let punctuation = CharacterSet(charactersIn: ".,;:!?'’-()")

    /// Removes markup (`<i>`, `{\an8}`), turns `&` into a word, drops other symbols, and
    /// collapses white space.
    public static func clean(_ text: String, language: String) -> String {
        var result = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        result = result.replacingOccurrences(of: "\\{[^}]*\\}", with: " ", options: .regularExpression)
        result = result.replacingOccurrences(of: "&", with: language == "nl" ? " en " : " and ")
        result = result.replacingOccurrences(of: "%", with: language == "nl" ? " procent" : " percent")
        let scalars = result.unicodeScalars.map { scalar -> String in
            if CharacterSet.letters.contains(scalar) || CharacterSet.decimalDigits.contains(scalar)
                || punctuation.contains(scalar) || scalar == " " {
                return String(scalar)
            }
            if scalar == "\"" || scalar == "“" || scalar == "”" { return "'" }
            return " "
        }
        return scalars.joined().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Whether a line follows the rules for reading aloud.
    public static func isSpeakable(_ line: String) -> Bool {
        guard line.count <= maximumLine else { return false }
        return line.unicodeScalars.allSatisfy { scalar in
            CharacterSet.letters.contains(scalar) || CharacterSet.decimalDigits.contains(scalar)
                || punctuation.contains(scalar) || scalar == " "
        }
    }

    /// Cuts text into lines of at most `maximumLine` characters, at sentence ends where it can.
    public static func lines(_ text: String) -> [String] {
        guard text.count > maximumLine else { return text.isEmpty ? [] : [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count > maximumLine, !current.isEmpty {
                lines.append(current)
                current = String(word.prefix(maximumLine))
            } else {
                current = String(candidate.prefix(maximumLine))
            }
            if current.count > maximumLine * 2 / 3, let last = current.last, ".?!".contains(last) {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
