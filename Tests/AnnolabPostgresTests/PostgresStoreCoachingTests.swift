// The PostgreSQL store answers as the SQLite store does: alerts, client feedback, notes, messages and project access.
import AnnolabCore
import AnnolabPostgres
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: alerts, feedback, notes, messages, project access", .serialized)
struct PostgresStoreCoachingTests {
    @Test("alerts raised once per kind and key, listed, acknowledged and counted the same in both stores")
    func sameAlerts() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let (anouk, bram, coach) = (made.operators[0], made.operators[1], made.coach)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(try await pg.alerts(coachId: coach, all: true) == sqlite.alerts(coachId: coach, all: true))

        let raised: [(Int64, String, String, Int)] = [(anouk, "pause-skipped", "block-1", 0), (anouk, "pause-skipped", "block-2", 60),
                                                     (bram, "pace-drop", "block-1", 120), (anouk, "pace-drop", "block-1", 180)]
        for (operatorId, kind, key, offset) in raised {
            let at = now.addingTimeInterval(Double(offset))
            let data = ["minutes": "\(offset)", "why": "a \"quoted\" reason"]
            let lite = try await sqlite.addAlertOnce(operatorId: operatorId, kind: kind, key: key, reason: "reason \(offset)", data: data, at: at)
            let post = try await pg.addAlertOnce(operatorId: operatorId, kind: kind, key: key, reason: "reason \(offset)", data: data, at: at)
            #expect(lite != nil)
            #expect(post == lite)
        }
        // The same kind and key again: nothing new in either store.
        #expect(try await sqlite.addAlertOnce(operatorId: anouk, kind: "pause-skipped", key: "block-2", reason: "again", data: [:], at: now) == nil)
        #expect(try await pg.addAlertOnce(operatorId: anouk, kind: "pause-skipped", key: "block-2", reason: "again", data: [:], at: now) == nil)
        #expect(await twins.codes({ _ = try await sqlite.addAlertOnce(operatorId: 4242, kind: "k", key: "x", reason: "r", data: [:], at: now) },
                                  { _ = try await pg.addAlertOnce(operatorId: 4242, kind: "k", key: "x", reason: "r", data: [:], at: now) })
                == ["unknown_reference", "unknown_reference"])

        let open = try await sqlite.alerts(coachId: coach, all: false)
        #expect(open.count == 4)
        #expect(try await pg.alerts(coachId: coach, all: false) == open)
        #expect(try await pg.alerts(coachId: made.operators[2], all: true) == [])
        let span = (now.addingTimeInterval(30), now.addingTimeInterval(180))
        let anouks = try await sqlite.alerts(operatorId: anouk, from: span.0, to: span.1)
        #expect(anouks.map(\.kind) == ["pause-skipped"])
        #expect(try await pg.alerts(operatorId: anouk, from: span.0, to: span.1) == anouks)
        #expect(try await pg.alerts(operatorId: anouk, from: now, to: now.addingTimeInterval(3600))
                    == sqlite.alerts(operatorId: anouk, from: now, to: now.addingTimeInterval(3600)))

        // Acknowledging: the coach's own operator's alert once; another coach's, or none, is nil.
        let first = try #require(open.last?.id)
        let seen = now.addingTimeInterval(600)
        let ackLite = try await sqlite.acknowledgeAlert(id: first, coachId: coach, at: seen)
        #expect(ackLite?.acknowledgedAt == seen)
        #expect(try await pg.acknowledgeAlert(id: first, coachId: coach, at: seen) == ackLite)
        #expect(try await pg.acknowledgeAlert(id: first, coachId: coach, at: seen.addingTimeInterval(60)) == ackLite)
        #expect(try await sqlite.acknowledgeAlert(id: first, coachId: coach, at: seen.addingTimeInterval(60)) == ackLite)
        #expect(try await pg.acknowledgeAlert(id: first, coachId: anouk, at: seen) == nil)
        #expect(try await pg.acknowledgeAlert(id: 999_999, coachId: coach, at: seen) == nil)
        for operatorId in [anouk, bram, made.operators[2]] {
            #expect(try await pg.openAlertCount(operatorId: operatorId) == sqlite.openAlertCount(operatorId: operatorId))
        }
        #expect(try await pg.openAlertCount(operatorId: anouk) == 2)
        #expect(try await pg.alerts(coachId: coach, all: false) == sqlite.alerts(coachId: coach, all: false))
        #expect(try await pg.alerts(coachId: coach, all: true) == sqlite.alerts(coachId: coach, all: true))

        let ids: Set<Int64> = [anouk, bram, coach, 4242]
        let names = try await sqlite.userNames(ids: ids)
        #expect(names.count == 3)
        #expect(try await pg.userNames(ids: ids) == names)
        #expect(try await pg.userNames(ids: []) == [:])
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 3)
        #expect(audit[0].first?.contains("alert.acknowledge alert:\(first)") == true)
        #expect(audit[1] == audit[0])
    }

    @Test("client feedback added, listed per coach and status, and decided (forwarded as messages) the same in both stores")
    func sameFeedback() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let coach = made.coach
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        var items: [FeedbackRecord] = []
        for (offset, kind) in ["feedback", "good-job", "feedback"].enumerated() {
            let at = now.addingTimeInterval(Double(offset * 60))
            let lite = try await sqlite.addFeedback(projectId: made.projectId, kind: kind, body: "note \(offset)", actor: nil, at: at)
            #expect(try await pg.addFeedback(projectId: made.projectId, kind: kind, body: "note \(offset)", actor: nil, at: at) == lite)
            items.append(lite)
        }
        #expect(await twins.codes({ _ = try await sqlite.addFeedback(projectId: 4242, kind: "feedback", body: "b", actor: nil, at: now) },
                                  { _ = try await pg.addFeedback(projectId: 4242, kind: "feedback", body: "b", actor: nil, at: now) })
                == ["unknown_reference", "unknown_reference"])
        #expect(await twins.codes({ _ = try await sqlite.addFeedback(projectId: made.projectId, kind: "praise", body: "b", actor: nil, at: now) },
                                  { _ = try await pg.addFeedback(projectId: made.projectId, kind: "praise", body: "b", actor: nil, at: now) })
                == ["storage_failure", "storage_failure"])

        let forwardTo = Array(made.operators.prefix(2))
        let decided = now.addingTimeInterval(3600)
        let forwarded = try await sqlite.decideFeedback(id: items[0].id!, coachId: coach, forward: true, text: "Well done", operatorIds: forwardTo, at: decided)
        #expect(forwarded?.status == FeedbackStatus.forwarded.rawValue)
        #expect(try await pg.decideFeedback(id: items[0].id!, coachId: coach, forward: true, text: "Well done", operatorIds: forwardTo, at: decided)
                    == forwarded)
        let dismissed = try await sqlite.decideFeedback(id: items[1].id!, coachId: coach, forward: false, text: "", operatorIds: [], at: decided)
        #expect(try await pg.decideFeedback(id: items[1].id!, coachId: coach, forward: false, text: "", operatorIds: [], at: decided) == dismissed)
        #expect(await twins.codes({ _ = try await sqlite.decideFeedback(id: items[0].id!, coachId: coach, forward: false, text: "", operatorIds: [], at: decided) },
                                  { _ = try await pg.decideFeedback(id: items[0].id!, coachId: coach, forward: false, text: "", operatorIds: [], at: decided) })
                == ["already_decided", "already_decided"])
        #expect(try await pg.decideFeedback(id: 999_999, coachId: coach, forward: true, text: "x", operatorIds: forwardTo, at: decided) == nil)

        let admin = try #require(try await sqlite.allUsers().first { $0.role == .admin }?.id)
        for viewer in [coach, admin] {
            for status in [nil] + FeedbackStatus.allCases.map(Optional.some) {
                let lite = try await sqlite.feedback(coachId: viewer, status: status)
                let post = try await pg.feedback(coachId: viewer, status: status)
                #expect(post.map(\.0) == lite.map(\.0), "\(viewer) \(String(describing: status))")
                #expect(post.map(\.1) == lite.map(\.1))
            }
        }
        #expect(try await pg.feedback(coachId: coach, status: .pending).map(\.0.id) == [items[2].id])
        #expect(try await pg.feedback(coachId: admin, status: .pending).count == 3)
        for operatorId in made.operators {
            let lite = try await sqlite.messages(operatorId: operatorId, limit: 50)
            let post = try await pg.messages(operatorId: operatorId, limit: 50)
            #expect(post.map(\.0) == lite.map(\.0))
            #expect(post.map(\.1) == lite.map(\.1))
        }
        #expect(try await pg.messages(operatorId: forwardTo[0], limit: 50).map(\.0.body) == ["Well done"])
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 6)
        #expect(audit[0].first?.contains("feedback.dismissed feedback:\(items[1].id!)") == true)
        #expect(audit[1] == audit[0])
    }

    @Test("notes, messages (read once), project access and coaches' notices the same in both stores")
    func sameMessagesAndAccess() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let (anouk, coach) = (made.operators[0], made.coach)
        let admin = try #require(try await sqlite.allUsers().first { $0.role == .admin }?.id)
        let now = Date(timeIntervalSince1970: 1_796_000_000)

        // Notes: each coach sees their own, newest first.
        for (offset, author) in [coach, admin, coach].enumerated() {
            let at = now.addingTimeInterval(Double(offset == 2 ? 0 : offset * 60))
            let lite = try await sqlite.addNote(operatorId: anouk, coachId: author, body: "note \(offset)", at: at)
            #expect(try await pg.addNote(operatorId: anouk, coachId: author, body: "note \(offset)", at: at) == lite)
        }
        let coachNotes = try await sqlite.notes(operatorId: anouk, coachId: coach)
        #expect(coachNotes.map(\.body) == ["note 2", "note 0"])
        #expect(try await pg.notes(operatorId: anouk, coachId: coach) == coachNotes)
        #expect(try await pg.notes(operatorId: anouk, coachId: admin) == sqlite.notes(operatorId: anouk, coachId: admin))
        #expect(await twins.codes({ _ = try await sqlite.addNote(operatorId: 4242, coachId: coach, body: "b", at: now) },
                                  { _ = try await pg.addNote(operatorId: 4242, coachId: coach, body: "b", at: now) })
                == ["unknown_reference", "unknown_reference"])

        // Messages: newest first with the sender's name; a limit; read once, and only by their operator.
        for offset in 0..<4 {
            let sender = offset == 3 ? admin : coach
            let at = now.addingTimeInterval(Double(offset * 30))
            let lite = try await sqlite.addMessage(operatorId: anouk, senderId: sender, body: "message \(offset)", at: at)
            #expect(try await pg.addMessage(operatorId: anouk, senderId: sender, body: "message \(offset)", at: at) == lite)
        }
        for limit in [50, 2, 0] {
            let lite = try await sqlite.messages(operatorId: anouk, limit: limit)
            let post = try await pg.messages(operatorId: anouk, limit: limit)
            #expect(post.map(\.0) == lite.map(\.0), "limit \(limit)")
            #expect(post.map(\.1) == lite.map(\.1))
        }
        let listed = try await pg.messages(operatorId: anouk, limit: 50)
        #expect(listed.map(\.0.body) == ["message 3", "message 2", "message 1", "message 0"])
        #expect(listed.first?.1 == "Lab admin")
        let messageId = try #require(listed.last?.0.id)
        let read = now.addingTimeInterval(900)
        for (id, reader, at) in [(messageId, anouk, read), (messageId, anouk, read.addingTimeInterval(60)),
                                 (messageId, made.operators[1], read), (999_999, anouk, read)] {
            #expect(try await pg.markMessageRead(id: id, operatorId: reader, at: at) == sqlite.markMessageRead(id: id, operatorId: reader, at: at))
        }
        let afterRead = try await sqlite.messages(operatorId: anouk, limit: 50)
        #expect(afterRead.last?.0.readAt == read)
        #expect(try await pg.messages(operatorId: anouk, limit: 50).map(\.0) == afterRead.map(\.0))

        // Notices of new work, then the coach's decision on who gets the project.
        let noticedLite = try await sqlite.notifyCoaches(projectId: made.projectId, kind: "upload", at: now)
        #expect(noticedLite == [coach])
        #expect(try await pg.notifyCoaches(projectId: made.projectId, kind: "upload", at: now) == noticedLite)
        _ = try await sqlite.notifyCoaches(projectId: made.projectId + 1, kind: "upload", at: now.addingTimeInterval(60))
        _ = try await pg.notifyCoaches(projectId: made.projectId + 1, kind: "upload", at: now.addingTimeInterval(60))
        let allowed: Set<Int64> = [anouk, made.operators[2]]
        let decided = now.addingTimeInterval(1200)
        try await sqlite.setProjectAccess(projectId: made.projectId, coachId: coach, allowed: allowed, at: decided)
        try await pg.setProjectAccess(projectId: made.projectId, coachId: coach, allowed: allowed, at: decided)
        try await sqlite.setProjectAccess(projectId: made.projectId + 1, coachId: coach, allowed: [anouk], at: decided)
        try await pg.setProjectAccess(projectId: made.projectId + 1, coachId: coach, allowed: [anouk], at: decided)
        // Deciding again changes who is allowed, and keeps the first moment of decision.
        try await sqlite.setProjectAccess(projectId: made.projectId, coachId: coach, allowed: [anouk], at: decided.addingTimeInterval(60))
        try await pg.setProjectAccess(projectId: made.projectId, coachId: coach, allowed: [anouk], at: decided.addingTimeInterval(60))
        let denied = try await sqlite.deniedProjects()
        #expect(denied.count == 5 && denied[anouk] == nil && denied[made.operators[2]]?.count == 2)
        #expect(try await pg.deniedProjects() == denied)
        for viewer in [coach, admin] {
            let lite = try await sqlite.notifications(coachId: viewer)
            let post = try await pg.notifications(coachId: viewer)
            #expect(post.map(\.0) == lite.map(\.0))
            #expect(post.map(\.1) == lite.map(\.1))
        }
        #expect(try await pg.notifications(coachId: coach).map(\.0.decidedAt) == [decided, decided])
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 8)
        #expect(audit[0].first?.contains("project.access project:\(made.projectId)") == true)
        #expect(audit[1] == audit[0])
    }
}
