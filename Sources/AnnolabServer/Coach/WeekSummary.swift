// One operator's week as the coach reads it: hours, task kinds, quality by day, pauses and alerts.
import AnnolabCore
import Foundation
import Hummingbird

/// Hours, task kinds, quality by day, pauses and alerts of one week (Monday to Sunday):
/// the base for a conversation with the operator and their case manager.
/// Served by `GET /api/v1/coach/operators/{id}/summary`; made by ``WeekSummaryService``.
struct WeekSummary: ResponseEncodable {
    struct Person: Codable {
        var id: Int64
        var name: String
    }
    struct Gold: Codable {
        var correct: Int
        var total: Int
    }
    struct Pauses: Codable {
        var scheduled: Int
        var extra: Int
    }
    /// How many answers the operator gave of one task kind.
    struct KindCount: Codable {
        var kind: String
        var answers: Int
    }
    /// Answers and gold results of one day of the week.
    struct DayQuality: Codable {
        var day: String
        var answers: Int
        var goldCorrect: Int
        var goldTotal: Int
    }

    var `operator`: Person
    var weekStart: String
    var weekEnd: String
    var hours: Double
    var workMinutes: Int
    var shifts: Int
    var kinds: [KindCount]
    var gold: Gold
    var qualityTrend: [DayQuality]
    var pauses: Pauses
    var alerts: [AlertView]
}
