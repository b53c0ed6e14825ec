// An operator's own quality, told as feedback for learning: never a score to rank people by.
import Foundation

/// How an operator's answers compare with the known answers and with the others' answers.
///
/// This is for the operator (and their coach) to learn from. It never changes pay and is
/// never shown next to other people's figures.
public struct LearningFeedback: Codable, Sendable, Equatable {
    public var answers: Int
    public var goldAnswers: Int
    public var goldCorrect: Int
    /// Questions where at least one other operator answered too.
    public var comparedQuestions: Int
    /// Of those, the questions where this operator's answer matched the most common one.
    public var agreedQuestions: Int
    /// Short, kind sentences in Dutch and English.
    public var message: [String: String]

    /// One answer with the other answers to the same microtask.
    public struct Entry: Sendable {
        public var kind: TaskKind
        public var answer: AnswerBody
        public var others: [AnswerBody]
        public var isGold: Bool
        public var goldCorrect: Bool?
        public init(kind: TaskKind, answer: AnswerBody, others: [AnswerBody], isGold: Bool, goldCorrect: Bool?) {
            self.kind = kind
            self.answer = answer
            self.others = others
            self.isGold = isGold
            self.goldCorrect = goldCorrect
        }
    }

    public static func measure(_ entries: [Entry]) -> LearningFeedback {
        var compared = 0, agreed = 0
        for entry in entries where !entry.isGold && !entry.others.isEmpty {
            for (mine, theirs) in questions(entry) where !theirs.isEmpty {
                var counts: [String: Int] = [mine: 1]
                for value in theirs { counts[value, default: 0] += 1 }
                let top = counts.values.max() ?? 0
                compared += 1
                if counts[mine] == top { agreed += 1 }
            }
        }
        let gold = entries.filter(\.isGold).compactMap(\.goldCorrect)
        let right = gold.filter { $0 }.count
        var en: [String] = [], nl: [String] = []
        if !gold.isEmpty {
            en.append("You answered \(right) of \(gold.count) practice questions the same as the known answer.")
            nl.append("Je gaf bij \(right) van de \(gold.count) oefenvragen hetzelfde antwoord als het bekende antwoord.")
        }
        if compared > 0 {
            en.append("On \(agreed) of \(compared) questions you chose what most others chose.")
            nl.append("Bij \(agreed) van de \(compared) vragen koos je wat de meeste anderen kozen.")
        }
        if en.isEmpty {
            en.append("There is nothing to compare yet. Keep going at your own pace.")
            nl.append("Er is nog niets om te vergelijken. Werk rustig verder in je eigen tempo.")
        }
        return LearningFeedback(answers: entries.count, goldAnswers: gold.count, goldCorrect: right, comparedQuestions: compared,
                                agreedQuestions: agreed, message: ["en": en.joined(separator: " "), "nl": nl.joined(separator: " ")])
    }

    /// The separate questions in one answer, each with the other operators' values.
    static func questions(_ entry: Entry) -> [(String, [String])] {
        switch entry.kind {
        case .choice, .imageBoxVerify, .thumbnailChoice:
            return [(entry.answer.choice ?? "", entry.others.compactMap(\.choice))]
        case .audioTags:
            let tags = Set((entry.answer.tags ?? []) + entry.others.flatMap { $0.tags ?? [] })
            return tags.sorted().map { tag in
                ((entry.answer.tags ?? []).contains(tag) ? "yes" : "no",
                 entry.others.map { ($0.tags ?? []).contains(tag) ? "yes" : "no" })
            }
        case .subtitleCheck:
            return (entry.answer.cues ?? []).map { cue in
                (cue.verdict, entry.others.compactMap { $0.cues?.first { $0.index == cue.index }?.verdict })
            }
        case .imageBoxes, .frameBoxes:
            // Boxes agree when box fusion finds every box of this answer drawn by someone else too.
            let answers = [BoxAnswer(operatorID: "me", boxes: entry.answer.boxes ?? [])]
                + entry.others.enumerated().map { BoxAnswer(operatorID: "\($0.offset)", boxes: $0.element.boxes ?? []) }
            let clusters = BoxFusion(quorum: 0).fuse(answers).clusters
            let mineMatched = clusters.filter { $0.drawnBy.contains("me") }.allSatisfy { $0.drawnBy.count > 1 }
            return [(mineMatched ? "agree" : "differ", ["agree"])]
        }
    }
}
