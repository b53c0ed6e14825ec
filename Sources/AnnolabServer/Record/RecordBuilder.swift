// Builds an operator's record from what the lab stored: the pay ledger, answers, skills, statement.
import AnnolabCore
import AnnolabStore
import Foundation

/// Makes an ``OperatorRecord`` for one operator, from their own rows only.
///
/// Paid time comes from the same ledger as payroll (`PayLedger.paidSecondsPerDay` over the
/// ended shifts' segments, with the lab's pay policy), so the record's hours are the payroll's.
struct RecordBuilder: Sendable {
    let store: any LabStoring
    let engine: LabEngine
    let pay: PayService

    /// The lab's own name and whether its records name the clients (setting `lab.record`).
    struct LabFacts: Codable, Sendable {
        var name: String = "Annolab"
        var place: String?
        var showClients: Bool = false
    }

    static let labKey = "lab.record"

    func labFacts() async throws -> LabFacts {
        guard let json = try await store.labSetting(Self.labKey) else { return LabFacts() }
        return (try? JSONDecoder().decode(LabFacts.self, from: Data(json.utf8))) ?? LabFacts()
    }

    func build(operatorId: Int64) async throws -> OperatorRecord {
        guard let user = try await store.user(id: operatorId), user.role == .operator else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
        }
        try await engine.settleEndedShifts()
        let now = engine.clock.now()
        let timeZone = engine.timeZone
        let facts = try await store.recordFacts(operatorId: operatorId)
        let policy = try await pay.policy()
        let perDay = PayLedger.paidSecondsPerDay(segments: facts.segments.map(\.segment), policy: policy, timeZone: timeZone)
        var months: [String: (seconds: Int, days: Int)] = [:]
        for (day, seconds) in perDay where seconds > 0 {
            months[Self.month(day), default: (0, 0)].seconds += seconds
            months[Self.month(day), default: (0, 0)].days += 1
        }
        let language = user.language == "en" ? "en" : "nl"
        let today = Self.day(now, timeZone)
        let firstDay = perDay.keys.filter { (perDay[$0] ?? 0) > 0 }.min()?.description ?? Self.day(user.createdAt, timeZone)
        let lab = try await labFacts()
        let ladder = try await engine.ladderProgress(operatorId: operatorId, language: language)
        return OperatorRecord(
            madeAt: now,
            lab: .init(name: lab.name, place: lab.place),
            person: .init(name: user.name, language: language, since: firstDay,
                          closedOn: user.disabledAt.map { Self.day($0, timeZone) }),
            period: .init(from: firstDay, to: user.disabledAt.map { Self.day($0, timeZone) } ?? today),
            months: months.keys.sorted().map { key in
                OperatorRecord.Month(month: key, paidSeconds: months[key]?.seconds ?? 0, days: months[key]?.days ?? 0)
            },
            totalPaidSeconds: perDay.values.reduce(0, +),
            taskKinds: facts.answersPerKind.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                OperatorRecord.KindDone(kind: $0.key.rawValue, microtasks: $0.value)
            },
            quality: try await quality(operatorId: operatorId, timeZone: timeZone),
            skills: (ladder?.steps ?? []).compactMap { step in
                guard let reached = step.reachedAt, let via = step.via else { return nil }
                return OperatorRecord.Skill(step: step.id, reachedOn: Self.day(reached, timeZone), via: via)
            },
            next: ladder?.next.map { next in
                OperatorRecord.NextStep(step: next.id, practiceDone: next.practiceDone, practiceNeeded: next.practiceNeeded,
                                        accuracy: next.accuracy, accuracyNeeded: next.accuracyNeeded)
            },
            trainings: try await trainings(operatorId: operatorId, ladder: ladder, timeZone: timeZone),
            pauses: Self.pauses(facts.segments),
            coachStatement: facts.statement.map { statement in
                OperatorRecord.CoachStatement(text: statement.text, coach: statement.coach,
                                              writtenOn: Self.day(statement.writtenAt, timeZone),
                                              agreedOn: Self.day(statement.agreedAt, timeZone))
            },
            clients: lab.showClients ? facts.clients : nil)
    }

    /// Practice questions and agreement per kind and month, as the operator's own learning
    /// feedback measures them.
    private func quality(operatorId: Int64, timeZone: TimeZone) async throws -> [OperatorRecord.Quality] {
        let decoder = JSONDecoder()
        var groups: [String: [LearningFeedback.Entry]] = [:]
        for item in try await store.answersInContext(operatorId: operatorId, limit: Int.max / 2) {
            guard let mine = try? decoder.decode(AnswerBody.self, from: Data(item.answer.body.utf8)) else { continue }
            let others = item.others.compactMap { try? decoder.decode(AnswerBody.self, from: Data($0.utf8)) }
            let key = "\(item.kind.rawValue) \(String(Self.day(item.answer.createdAt, timeZone).prefix(7)))"
            groups[key, default: []].append(.init(kind: item.kind, answer: mine, others: others, isGold: item.answer.isGold,
                                                  goldCorrect: item.answer.goldCorrect))
        }
        return groups.keys.sorted().map { key in
            let parts = key.split(separator: " ")
            let figures = LearningFeedback.measure(groups[key] ?? [])
            return OperatorRecord.Quality(
                kind: String(parts[0]), month: String(parts[1]), answers: figures.answers, goldAnswers: figures.goldAnswers,
                goldAccuracy: figures.goldAnswers > 0 ? Double(figures.goldCorrect) / Double(figures.goldAnswers) : nil,
                agreement: figures.comparedQuestions > 0 ? Double(figures.agreedQuestions) / Double(figures.comparedQuestions) : nil)
        }
    }

    /// Practice rounds per step of the ladder (after the first, which needs none).
    private func trainings(operatorId: Int64, ladder progress: LabEngine.LadderProgress?,
                           timeZone: TimeZone) async throws -> [OperatorRecord.Training] {
        guard let progress, let ladder = engine.ladder else { return [] }
        var trainings: [OperatorRecord.Training] = []
        for step in ladder.steps where !step.isAlwaysOpen && step.practice?.fromEarlierSteps != true {
            let figures = try await store.practice(operatorId: operatorId, kinds: Set(step.kinds), recent: 1)
            guard figures.questions > 0, let first = figures.first, let last = figures.last else { continue }
            let reached = progress.steps.first { $0.id == step.id }?.reachedAt != nil
            trainings.append(.init(step: step.id, practiceQuestions: figures.questions, right: figures.right,
                                   from: Self.day(first, timeZone), to: Self.day(last, timeZone), passed: reached))
        }
        return trainings
    }

    /// Scheduled pauses begun, those taken whole (their planned length or more), and extra pauses.
    static func pauses(_ segments: [(segment: TimeSegment, plannedPauseMinutes: Int)]) -> OperatorRecord.Pauses {
        var pauses = OperatorRecord.Pauses(scheduled: 0, kept: 0, extra: 0)
        for (segment, planned) in segments {
            switch segment.kind {
            case .pause:
                pauses.scheduled += 1
                if segment.end.timeIntervalSince(segment.start) >= Double(planned * 60) - 1 { pauses.kept += 1 }
            case .extraPause: pauses.extra += 1
            case .work, .waiting: break
            }
        }
        return pauses
    }

    static func day(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    static func month(_ day: CalendarDate) -> String {
        String(format: "%04d-%02d", day.year, day.month)
    }
}

/// An operator's record outside a running lab, for `annolab record` on the command line.
public enum OperatorRecordFile {
    /// The record as JSON, or as the printable page when `html`.
    public static func make(store: any LabStoring, tasksFolder: URL, operatorId: Int64, html: Bool) async throws -> Data {
        let engine = try await LabEngine.start(store: store)
        try await engine.useLadder(try SkillLadder.loadIfPresent(from: tasksFolder))
        let record = try await RecordBuilder(store: store, engine: engine, pay: PayService(store: store, engine: engine))
            .build(operatorId: operatorId)
        if html { return Data(RecordPage.html(record, ladder: engine.ladder).utf8) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(record)
    }
}
