// The PostgreSQL store answers as the SQLite store does: load figures, operator profiles, personal and lab settings.
import AnnolabCore
import AnnolabPostgres
import Foundation
import GRDB
import Testing
@testable import AnnolabStore

/// Work done in the demo lab before it moves: two operators answer choice and sound questions
/// (some of them practice questions, right or not), one skips a task, and one has two shifts with
/// extra pauses, the second continuing the first after a profile change.
enum TwinWork {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// The ids of what was made, read back from the store after the move.
    struct Made {
        var operators: [Int64]
        var coach: Int64
        var projectId: Int64
        /// The assignments: answered ones, then the skipped one, then one still leased.
        var answered: [Int64]
        var skipped: Int64
        var leased: Int64
        var shifts: [Int64]
    }

    static func made(_ store: LabStore) async throws -> Made {
        let people = try await store.allUsers()
        let operators = people.filter { $0.role == .operator }.compactMap(\.id).sorted()
        let coach = try #require(people.first { $0.role == .coach }?.id)
        let projectId = try #require(try await store.read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM project") })
        let (answered, skipped, leased) = try await store.read { db in
            (try Int64.fetchAll(db, sql: "SELECT id FROM assignment WHERE state = 'answered' ORDER BY id"),
             try Int64.fetchOne(db, sql: "SELECT id FROM assignment WHERE state = 'skipped'") ?? 0,
             try Int64.fetchOne(db, sql: "SELECT id FROM assignment WHERE state = 'leased'") ?? 0)
        }
        let shifts = try await store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM shift ORDER BY id") }
        return Made(operators: operators, coach: coach, projectId: projectId, answered: answered, skipped: skipped,
                    leased: leased, shifts: shifts)
    }

    /// Does the work in the SQLite store (before the move).
    static func prepare(_ store: LabStore) async throws {
        let operators = try await store.allUsers().filter { $0.role == .operator }.compactMap(\.id).sorted()
        let projectId = try #require(try await store.read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM project") })
        let kinds: [(TaskKind, Bool)] = [(.choice, false), (.choice, true), (.choice, true), (.audioTags, true), (.audioTags, false),
                                         (.choice, true), (.choice, false), (.choice, false)]
        let tasks = try await store.addMicrotasks(kinds.map { kind, gold in
            Microtask(projectId: projectId, itemId: nil, kind: kind, payload: #"{"options":["cars","people"]}"#, estimatedSeconds: 10,
                      isGold: gold, requiredAnswers: 3, createdAt: start)
        })
        for (index, operatorId) in operators.prefix(2).enumerated() {
            for (number, task) in tasks.enumerated() {
                let at = start.addingTimeInterval(Double(600 + 60 * number + 7 * index))
                let lease = try await store.lease(microtaskId: try #require(task.id), operatorId: operatorId, at: at,
                                                  until: at.addingTimeInterval(600))
                let assignmentId = try #require(lease.assignment.id)
                if number == 6 && index == 0 {
                    try await store.closeAssignment(id: assignmentId, state: .skipped, reason: "unclear", at: at.addingTimeInterval(20))
                    continue
                }
                if number == 7 && index == 0 { continue }
                let answer = AnswerRecord(assignmentId: assignmentId, microtaskId: task.id!, operatorId: operatorId, body: "{}",
                                          idempotencyKey: nil, secondsSpent: 12.5 + Double(number), createdAt: at.addingTimeInterval(30),
                                          response: "{}", isGold: task.isGold, goldCorrect: task.isGold ? (number + index) % 3 != 0 : nil)
                _ = try await store.recordAnswer(answer, required: 3, complete: false)
            }
        }
        let first = try await store.startShift(Shift(id: nil, operatorId: operators[0], startedAt: start, plannedEndAt: start.addingTimeInterval(4 * 3600),
                                                     endedAt: nil, workMinutes: 45, pauseMinutes: 15, shiftMinutes: 240, dailyCapMinutes: 240,
                                                     startedById: operators[0], endReason: nil))
        let firstId = try #require(first.id)
        try await store.startExtraPause(shiftId: firstId, at: start.addingTimeInterval(1800))
        try await store.endExtraPause(shiftId: firstId, at: start.addingTimeInterval(2100))
        try await store.startExtraPause(shiftId: firstId, at: start.addingTimeInterval(3000))
        let switched = start.addingTimeInterval(3600)
        try await store.endShift(id: firstId, at: switched, reason: .byOperator, segments: [])
        let second = try await store.startShift(Shift(id: nil, operatorId: operators[0], startedAt: switched,
                                                      plannedEndAt: start.addingTimeInterval(4 * 3600), endedAt: nil, workMinutes: 30,
                                                      pauseMinutes: 10, shiftMinutes: 240, dailyCapMinutes: 240, startedById: nil,
                                                      endReason: nil, chainStartedAt: start))
        let secondId = try #require(second.id)
        // The pause running at the change carries on into the new shift: the same pause.
        try await store.startExtraPause(shiftId: secondId, at: switched)
        try await store.endExtraPause(shiftId: secondId, at: switched.addingTimeInterval(300))
        try await store.startExtraPause(shiftId: secondId, at: switched.addingTimeInterval(1200))
    }

    /// The audit log's lines from both stores, without their times (lines written at "now" differ by when).
    static func auditLines(_ sqlite: LabStore, _ pg: PostgresLabStore, limit: Int) async throws -> [[String]] {
        func lines(_ log: [(entry: AuditEntry, actor: User?)]) -> [String] {
            log.map { "\($0.entry.id ?? 0) \($0.entry.actorId ?? 0) \($0.entry.action) \($0.entry.subject ?? "-") \($0.entry.detail ?? "-")" }
        }
        return [lines(try await sqlite.auditLog(limit: limit)), lines(try await pg.auditLog(limit: limit))]
    }
}

@Suite("The PostgreSQL store answers as the SQLite store: load figures, profiles, personal and lab settings", .serialized)
struct PostgresStoreSettingsTests {
    @Test("answers, skips, extra pauses and shifts of work done before the move read the same from both stores")
    func sameLoadFigures() async throws {
        let twins = try await TwinStores(prepare: TwinWork.prepare)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let start = TwinWork.start
        #expect(made.answered.count == 14 && made.skipped > 0 && made.shifts.count == 2)
        for operatorId in made.operators {
            for since in [start, start.addingTimeInterval(900), start.addingTimeInterval(10_000)] {
                let answers = try await sqlite.answerActivity(operatorId: operatorId, since: since)
                #expect(try await pg.answerActivity(operatorId: operatorId, since: since) == answers)
                #expect(try await pg.skips(operatorId: operatorId, since: since) == sqlite.skips(operatorId: operatorId, since: since))
                #expect(try await pg.extraPauseCount(operatorId: operatorId, since: since)
                            == sqlite.extraPauseCount(operatorId: operatorId, since: since))
            }
        }
        let first = try await sqlite.answerActivity(operatorId: made.operators[0], since: start)
        #expect(first.count == 6 && first.filter(\.isGold).count == 4 && first.contains { $0.kind == .audioTags })
        #expect(try await pg.skips(operatorId: made.operators[0], since: start) == [start.addingTimeInterval(600 + 360 + 20)])
        // Three pauses began; the one carried into the continuing shift is not counted again.
        #expect(try await pg.extraPauseCount(operatorId: made.operators[0], since: start) == 3)
        for id in made.shifts + [999_999] {
            #expect(try await pg.shift(id: id) == sqlite.shift(id: id))
        }
        #expect(try await pg.shift(id: made.shifts[1])?.chainStartedAt == start)
    }

    @Test("profiles, personal settings and lab settings: the same reads, changes, refusals and audit lines in both stores")
    func sameProfilesAndSettings() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let people = try await sqlite.allUsers()
        for person in people {
            let id = try #require(person.id)
            #expect(try await pg.profile(operatorId: id) == sqlite.profile(operatorId: id))
            #expect(try await pg.personalSettings(userId: id) == sqlite.personalSettings(userId: id))
        }
        let operatorId = try #require(people.first { $0.role == .operator }?.id)
        let coachId = try #require(people.first { $0.role == .coach }?.id)
        #expect(try await pg.profile(operatorId: operatorId) != nil)
        #expect(try await pg.profile(operatorId: coachId) == nil)

        // Profiles: every field replaced, the coach taken away; an operator without a profile is refused by both.
        var profile = try #require(try await sqlite.profile(operatorId: operatorId))
        profile.workMinutes = 30
        profile.pauseMinutes = 10
        profile.shiftMinutes = 180
        profile.dailyCapMinutes = 200
        profile.taskKinds = [.choice, .audioTags]
        profile.audioMode = true
        profile.coachId = nil
        try await sqlite.updateProfile(profile, actor: coachId)
        try await pg.updateProfile(profile, actor: coachId)
        #expect(try await pg.profile(operatorId: operatorId) == profile)
        #expect(try await sqlite.profile(operatorId: operatorId) == profile)
        #expect(await twins.codes({ try await sqlite.updateProfile(OperatorProfile(operatorId: coachId, coachId: nil), actor: nil) },
                                  { try await pg.updateProfile(OperatorProfile(operatorId: coachId, coachId: nil), actor: nil) })
                == ["storage_failure", "storage_failure"])

        // Personal settings: stored, the language on the account; refused values and unknown people.
        var settings = PersonalSettings()
        settings.textSize = 150
        settings.contrast = true
        settings.sounds = false
        settings.language = "en"
        settings.languageChosen = true
        #expect(try await pg.setPersonalSettings(settings, userId: operatorId) == sqlite.setPersonalSettings(settings, userId: operatorId))
        let stored = try await sqlite.personalSettings(userId: operatorId)
        #expect(stored.textSize == 150 && stored.language == "en")
        #expect(try await pg.personalSettings(userId: operatorId) == stored)
        #expect(try await pg.user(id: operatorId) == sqlite.user(id: operatorId))
        var wrong = settings
        wrong.textSize = 120
        #expect(await twins.codes({ _ = try await sqlite.setPersonalSettings(wrong, userId: operatorId) },
                                  { _ = try await pg.setPersonalSettings(wrong, userId: operatorId) })
                == ["invalid_settings", "invalid_settings"])
        #expect(await twins.codes({ _ = try await sqlite.setPersonalSettings(settings, userId: 4242) },
                                  { _ = try await pg.setPersonalSettings(settings, userId: 4242) })
                == ["user_not_found", "user_not_found"])
        #expect(await twins.codes({ _ = try await sqlite.personalSettings(userId: 4242) },
                                  { _ = try await pg.personalSettings(userId: 4242) })
                == ["user_not_found", "user_not_found"])

        // Lab settings: the demo's, a new one, one replaced, one never set.
        for key in [LabStore.ladderSettingKey, "lab.record", "never.set"] {
            #expect(try await pg.labSetting(key) == sqlite.labSetting(key), "\(key)")
        }
        #expect(try await pg.labSetting(LabStore.ladderSettingKey) == #"{"enabled":true}"#)
        for (key, json) in [("pay.policy", #"{"round":"up"}"#), (LabStore.ladderSettingKey, #"{"enabled":false}"#)] {
            try await sqlite.setLabSetting(key, json: json, actor: coachId)
            try await pg.setLabSetting(key, json: json, actor: coachId)
            #expect(try await pg.labSetting(key) == json)
            #expect(try await sqlite.labSetting(key) == json)
        }
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 6)
        #expect(audit[0].count == 6 && audit[0].first?.contains("setting.set") == true)
        #expect(audit[1] == audit[0])
    }
}
