// The card a coach sees of one operator: phase, block, answers, pace, gold and a small chart.
import AnnolabCore
import AnnolabStore
import Foundation

/// What a coach sees of one operator, at a glance.
///
/// Served by `GET /api/v1/coach/operators` and, with the operator's id beside it, as the
/// `operator` event of the coach's stream (``OperatorCardEvent``).
public struct OperatorCard: Codable, Sendable, Equatable {
    public struct Gold: Codable, Sendable, Equatable {
        public var recent: Double?
        public var earlier: Double?
    }

    /// Answers and gold results in one five-minute slot of the shift, for the small chart.
    public struct Slot: Codable, Sendable, Equatable {
        public var minute: Int
        public var answers: Int
        public var goldCorrect: Int
        public var goldTotal: Int

        static func empty(at minute: Int) -> Slot {
            Slot(minute: minute, answers: 0, goldCorrect: 0, goldTotal: 0)
        }
    }

    public var id: Int64
    public var name: String
    public var badge: String?
    public var phase: LabEngine.ShiftView.Phase
    public var extraPause: Bool
    public var blockEndsAt: Date?
    public var resumesAt: Date?
    public var blockSecondsLeft: Double?
    public var resumesInSeconds: Double?
    public var answersThisBlock: Int
    public var answersToday: Int
    public var skipsToday: Int
    public var extraPausesToday: Int
    public var pace: Pace
    public var gold: Gold
    public var series: [Slot]
    public var openAlerts: Int
    public var profile: OperatorProfile?
}

/// The `operator` event: the card's fields and the operator's id under `operator`, encoded once.
struct OperatorCardEvent: Encodable {
    var card: OperatorCard

    enum CodingKeys: String, CodingKey { case `operator` }

    func encode(to encoder: any Encoder) throws {
        // The card's own keys and `operator` go into one JSON object.
        try card.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(card.id, forKey: .operator)
    }
}
