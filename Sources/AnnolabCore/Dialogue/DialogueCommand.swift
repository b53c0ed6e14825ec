// Understanding what an operator typed or said: commands and numbers, in Dutch and English.
import Foundation

/// One thing an operator can say to the text dialogue.
public enum DialogueCommand: Equatable, Sendable {
    case help, again, pause, resume, stop, start, skip, play, next, time, learn
    case language(String)
    case yes, no, nothing
    case numbers([Int])

    /// Words for each command; Dutch and English are always both understood.
    static let words: [(DialogueCommand, [String])] = [
        (.help, ["help", "hulp", "helpen", "wat kan ik zeggen"]),
        (.again, ["herhaal", "repeat", "opnieuw", "again", "nog een keer", "nog eens", "wat"]),
        (.pause, ["pauze", "pause", "even pauze", "break"]),
        (.resume, ["verder", "resume", "doorgaan", "hervat", "continue", "ga verder"]),
        (.stop, ["stop", "stoppen", "einde", "klaar", "end", "quit", "afsluiten"]),
        (.start, ["start", "begin", "beginnen", "starten", "begin mijn dienst", "start my shift"]),
        (.skip, ["overslaan", "skip", "sla over", "volgende taak alsjeblieft"]),
        (.play, ["speel", "play", "luister", "listen", "afspelen", "speel af", "play again"]),
        (.next, ["volgende", "next", "nieuwe taak", "new task"]),
        (.time, ["tijd", "time", "status", "hoe laat"]),
        (.learn, ["leren", "learn", "wat kan ik leren", "what can i learn", "vaardigheden", "skills", "ladder", "oefenen", "practice"]),
        (.language("en"), ["english", "engels", "in english"]),
        (.language("nl"), ["nederlands", "dutch", "in het nederlands"]),
        (.yes, ["ja", "yes", "jawel", "klopt", "yep", "yeah", "juist"]),
        (.no, ["nee", "no", "nope", "neen", "klopt niet"]),
        (.nothing, ["geen", "niets", "none", "nothing", "niks", "geen van allen", "none of them"]),
    ]

    static let numberWords: [String: Int] = [
        "nul": 0, "zero": 0,
        "een": 1, "één": 1, "eén": 1, "one": 1, "eerste": 1, "first": 1,
        "twee": 2, "two": 2, "tweede": 2, "second": 2,
        "drie": 3, "three": 3, "derde": 3, "third": 3,
        "vier": 4, "four": 4, "vierde": 4, "fourth": 4,
        "vijf": 5, "five": 5, "vijfde": 5, "fifth": 5,
        "zes": 6, "six": 6, "zesde": 6, "sixth": 6,
        "zeven": 7, "seven": 7, "acht": 8, "eight": 8, "negen": 9, "nine": 9, "tien": 10, "ten": 10,
    ]

    /// Lower case, no surrounding punctuation, single spaces: "  Ja! " becomes "ja".
    public static func normalize(_ input: String) -> String {
        let lowered = input.lowercased()
        let kept = lowered.unicodeScalars.map { scalar -> Character in
            CharacterSet.letters.contains(scalar) || CharacterSet.decimalDigits.contains(scalar) ? Character(scalar) : " "
        }
        return String(kept).split(separator: " ").joined(separator: " ")
    }

    /// The command in what was said, or nil when it is not a command (for example a correction).
    public static func parse(_ input: String) -> DialogueCommand? {
        let text = normalize(input)
        guard !text.isEmpty else { return nil }
        for (command, phrases) in words where phrases.contains(text) { return command }
        let tokens = text.split(separator: " ").map(String.init).filter { !["en", "and", "of", "or", "nummer", "number"].contains($0) }
        guard !tokens.isEmpty else { return nil }
        var numbers: [Int] = []
        for token in tokens {
            if let value = Int(token), value >= 0, value < 100 {
                numbers.append(value)
            } else if let value = numberWords[token] {
                numbers.append(value)
            } else {
                return nil
            }
        }
        return .numbers(numbers)
    }
}
