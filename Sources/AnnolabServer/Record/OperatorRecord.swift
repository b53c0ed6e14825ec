// The operator's own record: what they did in the lab, in a shape they can take with them.
import AnnolabCore
import Foundation

/// An operator's record of work, as `GET /api/v1/me/record` gives it and as the printable
/// certificate shows it. It validates against `Web/record.schema.json`.
///
/// Only this operator's own figures are in it: never another person's name or answers, and
/// the clients' names only when the lab allows it (`clients` is left out otherwise).
public struct OperatorRecord: Codable, Sendable, Equatable {
    /// Always "annolab-operator-record"; `version` changes only when a field changes meaning.
    public var format = "annolab-operator-record"
    public var version = 1
    public var madeAt: Date
    public var lab: Lab
    public var person: Person
    public var period: Period
    /// Paid time per calendar month, exactly as the pay ledger counts it.
    public var months: [Month]
    public var totalPaidSeconds: Int
    /// Task kinds done, with how many microtasks of each were answered.
    public var taskKinds: [KindDone]
    /// Quality per kind and month: practice questions (gold) and agreement with the consensus.
    public var quality: [Quality]
    /// Steps of the skill ladder reached, in ladder order.
    public var skills: [Skill]
    /// The next step of the ladder and how far the operator is; nil at the top or without a ladder.
    public var next: NextStep?
    /// Practice rounds (paid practice questions with feedback) per ladder step.
    public var trainings: [Training]
    public var pauses: Pauses
    /// The coach's statement, only once the operator agreed with it.
    public var coachStatement: CoachStatement?
    /// The clients the operator worked for; present only when the lab allows naming them.
    public var clients: [String]?

    public struct Lab: Codable, Sendable, Equatable {
        public var name: String
        /// Where the lab is (a city), when the lab says so.
        public var place: String?
    }

    public struct Person: Codable, Sendable, Equatable {
        public var name: String
        /// "en" or "nl": the language of the certificate.
        public var language: String
        /// The first day with paid time (or the day the account was made).
        public var since: String
        /// The day the account was closed, for a record made after leaving.
        public var closedOn: String?
    }

    public struct Period: Codable, Sendable, Equatable {
        /// YYYY-MM-DD, both included.
        public var from: String
        public var to: String
    }

    public struct Month: Codable, Sendable, Equatable {
        /// YYYY-MM.
        public var month: String
        public var paidSeconds: Int
        /// Days with paid time in the month.
        public var days: Int
    }

    public struct KindDone: Codable, Sendable, Equatable {
        /// A task kind as in API.md (`subtitle-check`, `image-boxes`, ...).
        public var kind: String
        public var microtasks: Int
    }

    public struct Quality: Codable, Sendable, Equatable {
        public var kind: String
        /// YYYY-MM.
        public var month: String
        public var answers: Int
        public var goldAnswers: Int
        /// Share of practice questions answered right (0...1); nil without practice questions.
        public var goldAccuracy: Double?
        /// Share of answers that agreed with what the others decided (0...1); nil when nothing to compare.
        public var agreement: Double?
    }

    public struct Skill: Codable, Sendable, Equatable {
        /// The step's id in `Tasks/skill-ladder.json`.
        public var step: String
        /// YYYY-MM-DD.
        public var reachedOn: String
        /// "practice" (enough good practice), "coach" (the coach opened it) or "earlier" (work done before the ladder).
        public var via: String
    }

    public struct NextStep: Codable, Sendable, Equatable {
        public var step: String
        public var practiceDone: Int
        public var practiceNeeded: Int
        public var accuracy: Double?
        public var accuracyNeeded: Double
    }

    public struct Training: Codable, Sendable, Equatable {
        public var step: String
        public var practiceQuestions: Int
        public var right: Int
        /// YYYY-MM-DD of the first and last practice question.
        public var from: String
        public var to: String
        /// Whether the step opened (by practice or otherwise).
        public var passed: Bool
    }

    public struct Pauses: Codable, Sendable, Equatable {
        /// Scheduled pauses that began.
        public var scheduled: Int
        /// Scheduled pauses taken whole: no work until the pause's end.
        public var kept: Int
        /// Extra pauses the operator took when they needed one.
        public var extra: Int
    }

    public struct CoachStatement: Codable, Sendable, Equatable {
        public var text: String
        public var coach: String?
        /// YYYY-MM-DD.
        public var writtenOn: String
        public var agreedOn: String
    }
}
