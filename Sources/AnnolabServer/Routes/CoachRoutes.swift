// The coach's routes: their own operators only — cards, live events, alerts, profile, shifts,
// messages, notes, new datasets, client feedback, and the weekly summary.
import AnnolabStore
import Foundation
import Hummingbird
import ServiceLifecycle

/// Routes for job coaches. A coach sees only the operators in their own group; another
/// coach's operator is 404, as if it did not exist.
struct CoachRoutes {
    let store: LabStore
    let engine: LabEngine
    let monitor: CoachMonitor
    let pay: PayService

    struct OperatorList: ResponseEncodable {
        var operators: [OperatorCard]
    }

    /// A change of profile: the fields sent replace the stored ones, the others stay.
    struct ProfileChange: Decodable {
        var workMinutes: Int?
        var pauseMinutes: Int?
        var shiftMinutes: Int?
        var dailyCapMinutes: Int?
        var taskKinds: [String]?
        var audioMode: Bool?
    }

    struct TextBody: Decodable {
        var text: String
    }

    func register(on router: LabRouter) {
        let group = router.group("api/v1/coach").add(middleware: RoleMiddleware(.coach))
        group.get("operators", use: operators)
        group.get("events", use: events)
        group.get("alerts", use: alerts)
        group.post("alerts/{id}/acknowledge", use: acknowledge)
        group.put("operators/{id}/profile", use: changeProfile)
        group.post("operators/{id}/shift/start", use: startShift)
        group.post("operators/{id}/shift/end", use: endShift)
        group.post("operators/{id}/messages", use: sendMessage)
        group.get("operators/{id}/notes", use: notes)
        group.post("operators/{id}/notes", use: addNote)
        group.get("operators/{id}/summary", use: summary)
        group.get("notifications", use: notifications)
        group.get("projects/{id}/operators", use: projectOperators)
        group.put("projects/{id}/operators", use: setProjectOperators)
        group.get("feedback", use: feedback)
        group.post("feedback/{id}", use: decideFeedback)
        router.group("api/v1/admin/settings").add(middleware: RoleMiddleware(.admin)).get("alerts", use: thresholds)
        router.group("api/v1/admin/settings").add(middleware: RoleMiddleware(.admin)).put("alerts", use: setThresholds)
    }

    @Sendable func operators(_ request: Request, context: LabRequestContext) async throws -> OperatorList {
        let coach = try context.requireUser()
        var list: [OperatorCard] = []
        for person in try await store.operators(ofCoach: coach.id!) {
            list.append(try await monitor.card(operatorId: person.id!))
        }
        return OperatorList(operators: list)
    }

    /// Server-sent events of this coach's operators: `operator`, `alert` and `dataset`.
    @Sendable func events(_ request: Request, context: LabRequestContext) async throws -> Response {
        let coach = try context.requireUser()
        let monitor = self.monitor
        return Response(status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
                        body: .init { writer in
                            // Subscribed while the body is written, and given up when it ends, however it ends;
                            // a graceful shutdown ends the stream, so the server can stop.
                            let (stream, token) = monitor.subscribe(coachId: coach.id!)
                            defer { monitor.unsubscribe(token) }
                            try await writer.write(ByteBuffer(string: ": connected\nretry: 3000\n\n"))
                            for await text in stream.cancelOnGracefulShutdown() {
                                try await writer.write(ByteBuffer(string: text))
                            }
                            try await writer.finish(nil)
                        })
    }

    /// The operator id in the path, when the operator is in this coach's group; else 404.
    func ownOperator(_ context: LabRequestContext) async throws -> OperatorProfile {
        let coach = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw),
              let profile = try await store.profile(operatorId: id), profile.coachId == coach.id else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with this id in your group.")
        }
        return profile
    }

    struct AlertList: ResponseEncodable {
        var alerts: [AlertView]
    }

    @Sendable func alerts(_ request: Request, context: LabRequestContext) async throws -> AlertList {
        let coach = try context.requireUser()
        let all: Bool
        switch request.uri.queryParameters["all"].map(String.init) {
        case nil, "false": all = false
        case "true": all = true
        default: throw LabError(.badRequest, "invalid_all", "Give ?all= as true or false.")
        }
        var list: [AlertView] = []
        for alert in try await store.alerts(coachId: coach.id!, all: all) { list.append(try await AlertView(alert, store: store)) }
        return AlertList(alerts: list)
    }

    @Sendable func acknowledge(_ request: Request, context: LabRequestContext) async throws -> AlertView {
        let coach = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw),
              let alert = try await store.acknowledgeAlert(id: id, coachId: coach.id!, at: engine.clock.now()) else {
            throw LabError(.notFound, "alert_not_found", "There is no such alert for your group.")
        }
        return try await AlertView(alert, store: store)
    }

    /// Block lengths, shift length and daily cap apply from the operator's next shift start;
    /// task kinds and audio mode from their next task.
    @Sendable func changeProfile(_ request: Request, context: LabRequestContext) async throws -> OperatorProfile {
        var profile = try await ownOperator(context)
        let change = try await request.decode(as: ProfileChange.self, context: context)
        if let value = change.workMinutes { profile.workMinutes = value }
        if let value = change.pauseMinutes { profile.pauseMinutes = value }
        if let value = change.shiftMinutes { profile.shiftMinutes = value }
        if let value = change.dailyCapMinutes { profile.dailyCapMinutes = value }
        if let value = change.audioMode { profile.audioMode = value }
        if let names = change.taskKinds {
            profile.taskKinds = try names.map { name in
                guard let kind = TaskKind(rawValue: name) else {
                    let known = TaskKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw LabError(.unprocessable, "invalid_profile", "'\(name)' is not a task kind. Choose from \(known).")
                }
                return kind
            }
        }
        try WorkProfile(workMinutes: profile.workMinutes, pauseMinutes: profile.pauseMinutes,
                        shiftMinutes: profile.shiftMinutes, dailyCapMinutes: profile.dailyCapMinutes).validate()
        try await engine.profileChanged(profile, actor: try context.requireUser().id)
        monitor.record(profile.operatorId, .shiftChanged)
        return profile
    }

    @Sendable func startShift(_ request: Request, context: LabRequestContext) async throws -> LabEngine.ShiftView {
        let profile = try await ownOperator(context)
        return try await engine.startShift(operatorId: profile.operatorId, startedBy: try context.requireUser().id)
    }

    @Sendable func endShift(_ request: Request, context: LabRequestContext) async throws -> LabEngine.ShiftView {
        let profile = try await ownOperator(context)
        return try await engine.endShift(operatorId: profile.operatorId, byCoach: true)
    }

    struct MessageView: ResponseEncodable {
        var id: Int64
        var text: String
        var createdAt: Date
    }

    static func checkedText(_ text: String, limit: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= limit else {
            throw LabError(.unprocessable, "invalid_text", "Write 1 to \(limit) characters.")
        }
        return trimmed
    }

    @Sendable func sendMessage(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<MessageView> {
        let profile = try await ownOperator(context)
        let body = try await request.decode(as: TextBody.self, context: context)
        let message = try await store.addMessage(operatorId: profile.operatorId, senderId: try context.requireUser().id!,
                                                 body: try Self.checkedText(body.text, limit: 500), at: engine.clock.now())
        return EditedResponse(status: .created, response: MessageView(id: message.id!, text: message.body, createdAt: message.createdAt))
    }

    struct NoteList: ResponseEncodable {
        var notes: [MessageView]
    }

    @Sendable func notes(_ request: Request, context: LabRequestContext) async throws -> NoteList {
        let profile = try await ownOperator(context)
        let list = try await store.notes(operatorId: profile.operatorId, coachId: try context.requireUser().id!)
        return NoteList(notes: list.map { MessageView(id: $0.id!, text: $0.body, createdAt: $0.createdAt) })
    }

    @Sendable func addNote(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<MessageView> {
        let profile = try await ownOperator(context)
        let body = try await request.decode(as: TextBody.self, context: context)
        let note = try await store.addNote(operatorId: profile.operatorId, coachId: try context.requireUser().id!,
                                           body: try Self.checkedText(body.text, limit: 4000), at: engine.clock.now())
        try await store.audit(actor: note.coachId, action: "note.add", subject: "user:\(note.operatorId)", detail: "private note \(note.id!)")
        return EditedResponse(status: .created, response: MessageView(id: note.id!, text: note.body, createdAt: note.createdAt))
    }

    // MARK: New datasets and who gets them

    struct NotificationView: Codable {
        var id: Int64
        var kind: String
        var projectId: Int64
        var projectName: String
        var createdAt: Date
        var decided: Bool
    }

    struct NotificationList: ResponseEncodable {
        var notifications: [NotificationView]
    }

    @Sendable func notifications(_ request: Request, context: LabRequestContext) async throws -> NotificationList {
        let coach = try context.requireUser()
        return NotificationList(notifications: try await store.notifications(coachId: coach.id!).map { notice, name in
            NotificationView(id: notice.id!, kind: notice.kind, projectId: notice.projectId, projectName: name,
                             createdAt: notice.createdAt, decided: notice.decidedAt != nil)
        })
    }

    struct Access: Codable {
        var id: Int64
        var name: String
        var allowed: Bool
    }

    struct AccessList: ResponseEncodable {
        var operators: [Access]
    }

    struct AccessChange: Decodable {
        var operators: [Int64]
    }

    func project(_ context: LabRequestContext) async throws -> Project {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), let project = try await store.project(id: id) else {
            throw LabError(.notFound, "project_not_found", "There is no such project.")
        }
        return project
    }

    func access(projectId: Int64, coachId: Int64) async throws -> AccessList {
        let denied = try await store.deniedProjects()
        return AccessList(operators: try await store.operators(ofCoach: coachId).map { person in
            Access(id: person.id!, name: person.name, allowed: !(denied[person.id!]?.contains(projectId) ?? false))
        })
    }

    @Sendable func projectOperators(_ request: Request, context: LabRequestContext) async throws -> AccessList {
        let project = try await project(context)
        return try await access(projectId: project.id!, coachId: try context.requireUser().id!)
    }

    @Sendable func setProjectOperators(_ request: Request, context: LabRequestContext) async throws -> AccessList {
        let coach = try context.requireUser()
        let project = try await project(context)
        let change = try await request.decode(as: AccessChange.self, context: context)
        let group = Set(try await store.operators(ofCoach: coach.id!).compactMap(\.id))
        guard Set(change.operators).isSubset(of: group) else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with this id in your group.")
        }
        try await store.setProjectAccess(projectId: project.id!, coachId: coach.id!, allowed: Set(change.operators),
                                         at: engine.clock.now())
        try await engine.projectAccessChanged()
        return try await access(projectId: project.id!, coachId: coach.id!)
    }

    // MARK: Client feedback

    struct FeedbackView: ResponseEncodable, Codable {
        var id: Int64
        var projectName: String
        var kind: String
        var text: String
        var createdAt: Date
        var status: String
    }

    struct FeedbackList: ResponseEncodable {
        var feedback: [FeedbackView]
    }

    struct Decision: Decodable {
        var action: String
        var text: String?
        var operators: [Int64]?
    }

    @Sendable func feedback(_ request: Request, context: LabRequestContext) async throws -> FeedbackList {
        let status = request.uri.queryParameters["status"].map(String.init)
        if let status, !["pending", "forwarded", "dismissed"].contains(status) {
            throw LabError(.badRequest, "invalid_status", "Give ?status= as pending, forwarded or dismissed.")
        }
        let coach = try context.requireUser()
        return FeedbackList(feedback: try await store.feedback(coachId: coach.id!, status: status).map { item, name in
            FeedbackView(id: item.id!, projectName: name, kind: item.kind, text: item.body, createdAt: item.createdAt, status: item.status)
        })
    }

    @Sendable func decideFeedback(_ request: Request, context: LabRequestContext) async throws -> FeedbackView {
        let coach = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw) else {
            throw LabError(.notFound, "feedback_not_found", "There is no such feedback.")
        }
        let decision = try await request.decode(as: Decision.self, context: context)
        guard ["forward", "dismiss"].contains(decision.action) else {
            throw LabError(.unprocessable, "invalid_decision", "Choose forward or dismiss.")
        }
        let forward = decision.action == "forward"
        var text = ""
        if forward {
            text = try Self.checkedText(decision.text ?? "", limit: 500)
            let group = Set(try await store.operators(ofCoach: coach.id!).compactMap(\.id))
            guard let chosen = decision.operators, !chosen.isEmpty else {
                throw LabError(.unprocessable, "invalid_decision", "Choose one or more operators from your own group.")
            }
            guard Set(chosen).isSubset(of: group) else {
                throw LabError(.notFound, "operator_not_found", "There is no operator with this id in your group.")
            }
        }
        guard let item = try await store.decideFeedback(id: id, coachId: coach.id!, forward: forward, text: text,
                                                        operatorIds: decision.operators ?? [], at: engine.clock.now()) else {
            throw LabError(.notFound, "feedback_not_found", "There is no such feedback.")
        }
        let name = try await store.project(id: item.projectId)?.name ?? ""
        return FeedbackView(id: item.id!, projectName: name, kind: item.kind, text: item.body, createdAt: item.createdAt, status: item.status)
    }

    // MARK: The weekly summary

    struct KindCount: Codable {
        var kind: String
        var answers: Int
    }

    struct DayQuality: Codable {
        var day: String
        var answers: Int
        var goldCorrect: Int
        var goldTotal: Int
    }

    struct Summary: ResponseEncodable {
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

    /// Hours, task kinds, quality by day, pauses and alerts of one week (Monday to Sunday):
    /// the base for a conversation with the operator and their case manager.
    @Sendable func summary(_ request: Request, context: LabRequestContext) async throws -> Summary {
        let profile = try await ownOperator(context)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = engine.timeZone
        calendar.firstWeekday = 2
        var day = engine.clock.now()
        if let raw = request.uri.queryParameters["week"] {
            guard let date = CalendarDate(String(raw)),
                  let parsed = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) else {
                throw LabError(.badRequest, "invalid_week", "Give the week as a date like 2026-11-23.")
            }
            day = parsed
        }
        guard let week = calendar.dateInterval(of: .weekOfYear, for: day) else {
            throw LabError(.badRequest, "invalid_week", "Give the week as a date like 2026-11-23.")
        }
        func calendarDate(_ date: Date) -> CalendarDate {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        }
        let first = calendarDate(week.start), last = calendarDate(week.end.addingTimeInterval(-1))
        let operatorId = profile.operatorId
        let paid = try await pay.payroll(from: first, to: last).filter { $0.operatorId == operatorId }.map(\.paidSeconds).reduce(0, +)
        let answers = try await store.answerActivity(operatorId: operatorId, since: week.start).filter { $0.at < week.end }
        let shifts = try await store.shifts(operatorId: operatorId, from: week.start, to: week.end)
        var workSeconds = 0, scheduled = 0, extra = 0
        for shift in shifts {
            let pauses = try await store.extraPauses(shiftId: shift.id!).map { ExtraPause(start: $0.startedAt, end: $0.endedAt) }
            let timeline = ShiftTimeline(startedAt: shift.startedAt,
                                         profile: WorkProfile(workMinutes: shift.workMinutes, pauseMinutes: shift.pauseMinutes,
                                                              shiftMinutes: shift.shiftMinutes, dailyCapMinutes: shift.dailyCapMinutes),
                                         extraPauses: pauses, endedAt: shift.endedAt)
            let until = min(shift.endedAt ?? engine.clock.now(), engine.clock.now())
            let segments = timeline.segments(until: until)
            workSeconds += timeline.workSeconds(until: until)
            scheduled += segments.filter { $0.kind == .pause }.count
            // A pause carried on over a profile change was counted with the shift before.
            extra += pauses.filter { !(shift.chainStartedAt != nil && $0.start == shift.startedAt) }.count
        }
        var kinds: [TaskKind: Int] = [:]
        var days: [String: DayQuality] = [:]
        for answer in answers {
            kinds[answer.kind, default: 0] += 1
            let key = calendarDate(answer.at).description
            var entry = days[key] ?? DayQuality(day: key, answers: 0, goldCorrect: 0, goldTotal: 0)
            entry.answers += 1
            if answer.isGold { entry.goldTotal += 1; if answer.goldCorrect == true { entry.goldCorrect += 1 } }
            days[key] = entry
        }
        var alerts: [AlertView] = []
        for alert in try await store.alerts(operatorId: operatorId, from: week.start, to: week.end) {
            alerts.append(try await AlertView(alert, store: store))
        }
        let person = try await store.user(id: operatorId)
        let goldAnswers = answers.filter(\.isGold)
        return Summary(operator: .init(id: operatorId, name: person?.name ?? ""), weekStart: first.description, weekEnd: last.description,
                       hours: (Double(paid) / 3600 * 100).rounded() / 100, workMinutes: workSeconds / 60, shifts: shifts.count,
                       kinds: kinds.map { KindCount(kind: $0.key.rawValue, answers: $0.value) }.sorted { $0.kind < $1.kind },
                       gold: .init(correct: goldAnswers.filter { $0.goldCorrect == true }.count, total: goldAnswers.count),
                       qualityTrend: days.values.sorted { $0.day < $1.day },
                       pauses: .init(scheduled: scheduled, extra: extra), alerts: alerts)
    }

    // MARK: Alert thresholds (admin)

    @Sendable func thresholds(_ request: Request, context: LabRequestContext) async throws -> LoadThresholds {
        monitor.thresholds.withLock { $0 }
    }

    @Sendable func setThresholds(_ request: Request, context: LabRequestContext) async throws -> LoadThresholds {
        let body = try await request.decode(as: LoadThresholds.self, context: context)
        return try await monitor.setThresholds(body, actor: try context.requireUser().id)
    }
}

extension OperatorProfile: ResponseEncodable {}
extension OperatorCard: ResponseEncodable {}
extension AlertView: ResponseEncodable {}
extension LoadThresholds: ResponseEncodable {}
