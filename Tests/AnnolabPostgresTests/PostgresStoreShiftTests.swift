// The PostgreSQL store answers as the SQLite store does: shifts, extra pauses, time segments, rates, effort per project.
import AnnolabCore
import AnnolabPostgres
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: shifts, pauses, time segments, rates, effort", .serialized)
struct PostgresStoreShiftTests {
    static func segments(_ list: [(operatorId: Int64, segment: TimeSegment)]) -> [String] {
        list.map { "\($0.operatorId) \($0.segment.kind.rawValue) \($0.segment.start.timeIntervalSince1970) \($0.segment.end.timeIntervalSince1970)" }
    }

    static func efforts(_ list: [ShiftEffort]) -> [String] {
        list.map { effort in
            "\(effort.shiftId) \(effort.timeSegments.map { "\($0.kind.rawValue)@\($0.start.timeIntervalSince1970)-\($0.end.timeIntervalSince1970)" }) "
                + "\(effort.effortByProject.sorted { $0.key < $1.key })"
        }
    }

    @Test("shifts started, paused, switched and ended the same way read the same; pay's segments and effort agree")
    func sameShifts() async throws {
        let twins = try await TwinStores(worked: true)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date()
        let open = try await sqlite.operatorsWithOpenShifts()
        #expect(open.count == 3, "the worked lab has three shifts running: \(open)")
        #expect(try await pg.operatorsWithOpenShifts() == open.sorted())
        #expect(try await pg.operatorsOnShift(at: now) == sqlite.operatorsOnShift(at: now))
        #expect(try await pg.operatorsOnShift(at: now.addingTimeInterval(86_400)) == 0)
        #expect(try await pg.minimumWageRows() == sqlite.minimumWageRows())
        #expect(!(try await sqlite.minimumWageRows()).isEmpty)
        let operators = try await sqlite.allUsers().filter { $0.role == .operator }.compactMap(\.id)
        for person in operators {
            #expect(try await pg.latestShift(operatorId: person) == sqlite.latestShift(operatorId: person))
            #expect(try await pg.shifts(operatorId: person, from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(3600))
                        == sqlite.shifts(operatorId: person, from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(3600)))
            #expect(try await pg.rates(operatorId: person) == sqlite.rates(operatorId: person))
        }

        // The same changes in both: a profile switch, an extra pause begun twice and ended, a refused second
        // shift, then the shift ended with its ledger.
        let person = try #require(open.first)
        let shift = try #require(try await sqlite.latestShift(operatorId: person))
        let shiftId = try #require(shift.id)
        let second = Date(timeIntervalSince1970: (now.timeIntervalSince1970).rounded(.down))
        try await sqlite.setShiftSwitch(id: shiftId, at: second.addingTimeInterval(120))
        try await pg.setShiftSwitch(id: shiftId, at: second.addingTimeInterval(120))
        for _ in 0..<2 {
            try await sqlite.startExtraPause(shiftId: shiftId, at: second.addingTimeInterval(10))
            try await pg.startExtraPause(shiftId: shiftId, at: second.addingTimeInterval(10))
        }
        #expect(try await pg.extraPauses(shiftId: shiftId) == sqlite.extraPauses(shiftId: shiftId))
        #expect(try await sqlite.extraPauses(shiftId: shiftId).count == 1)
        try await sqlite.endExtraPause(shiftId: shiftId, at: second.addingTimeInterval(70))
        try await pg.endExtraPause(shiftId: shiftId, at: second.addingTimeInterval(70))
        try await sqlite.startExtraPause(shiftId: shiftId, at: second.addingTimeInterval(90))
        try await pg.startExtraPause(shiftId: shiftId, at: second.addingTimeInterval(90))
        #expect(try await pg.extraPauses(shiftId: shiftId) == sqlite.extraPauses(shiftId: shiftId))
        let again = Shift(id: nil, operatorId: person, startedAt: second, plannedEndAt: second.addingTimeInterval(3600), endedAt: nil,
                          workMinutes: 45, pauseMinutes: 15, shiftMinutes: 240, dailyCapMinutes: 240, startedById: nil, endReason: nil)
        #expect(await twins.codes({ _ = try await sqlite.startShift(again) }, { _ = try await pg.startShift(again) })
                == ["shift_running", "shift_running"])

        let end = second.addingTimeInterval(300)
        let ledger = [TimeSegment(kind: .work, start: shift.startedAt, end: second.addingTimeInterval(10)),
                      TimeSegment(kind: .extraPause, start: second.addingTimeInterval(10), end: second.addingTimeInterval(70)),
                      TimeSegment(kind: .work, start: second.addingTimeInterval(70), end: second.addingTimeInterval(90)),
                      TimeSegment(kind: .waiting, start: second.addingTimeInterval(240), end: end)]
        try await sqlite.endShift(id: shiftId, at: end, reason: .byOperator, segments: ledger)
        try await pg.endShift(id: shiftId, at: end, reason: .byOperator, segments: ledger)
        // Ending it again changes nothing in either.
        try await sqlite.endShift(id: shiftId, at: end.addingTimeInterval(60), reason: .byOperator, segments: [])
        try await pg.endShift(id: shiftId, at: end.addingTimeInterval(60), reason: .byOperator, segments: [])
        #expect(try await pg.latestShift(operatorId: person) == sqlite.latestShift(operatorId: person))
        #expect(try await sqlite.latestShift(operatorId: person)?.endedAt == end)
        #expect(try await pg.extraPauses(shiftId: shiftId) == sqlite.extraPauses(shiftId: shiftId))
        #expect(try await pg.extraPauses(shiftId: shiftId).last?.endedAt == end, "the running pause ended with the shift")
        #expect(try await pg.operatorsWithOpenShifts() == sqlite.operatorsWithOpenShifts().sorted())
        let window = (from: shift.startedAt.addingTimeInterval(-60), to: end.addingTimeInterval(60))
        let sqliteSegments = try await sqlite.timeSegments(from: window.from, to: window.to)
        #expect(sqliteSegments.count == 5)
        #expect(Self.segments(try await pg.timeSegments(from: window.from, to: window.to)) == Self.segments(sqliteSegments))
        var worked = 0
        for project in try await sqlite.openWork().projects {
            let expected = try await sqlite.shiftEfforts(projectId: project.id!)
            worked += expected.count
            #expect(Self.efforts(try await pg.shiftEfforts(projectId: project.id!)) == Self.efforts(expected))
        }
        #expect(worked == 1, "the ended shift's answers count for their project")

        // A rate set, then replaced for the same date, with its audit lines.
        for cents in [1450, 1480] {
            try await sqlite.setRate(operatorId: person, hourlyCents: cents, from: "2027-01-01", actor: nil)
            try await pg.setRate(operatorId: person, hourlyCents: cents, from: "2027-01-01", actor: nil)
        }
        try await sqlite.setRate(operatorId: person, hourlyCents: 1400, from: "2026-07-01", actor: nil)
        try await pg.setRate(operatorId: person, hourlyCents: 1400, from: "2026-07-01", actor: nil)
        let rates = try await sqlite.rates(operatorId: person)
        #expect(rates.map(\.hourlyCents) == [1400, 1480])
        #expect(try await pg.rates(operatorId: person).map(\.hourlyCents) == rates.map(\.hourlyCents))
        #expect(try await pg.rates(operatorId: person).map(\.effectiveFrom) == rates.map(\.effectiveFrom))
        #expect(try await pg.auditLog(limit: 3).map(\.entry.detail) == sqlite.auditLog(limit: 3).map(\.entry.detail))
    }
}
