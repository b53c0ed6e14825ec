// The PostgreSQL store answers as the SQLite store does: the coach's statement, ratings of instructions, the skill ladder.
import AnnolabCore
import AnnolabPostgres
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: coach's statements, ratings of instructions, skills", .serialized)
struct PostgresStoreOperatorRecordTests {
    @Test("a coach's statement written, agreed, questioned and rewritten the same in both stores, with the same refusals")
    func sameStatements() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let (anouk, bram, coach) = (made.operators[0], made.operators[1], made.coach)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        for id in made.operators { #expect(try await pg.coachStatement(operatorId: id) == sqlite.coachStatement(operatorId: id)) }

        enum Act { case write(String), agree, ask(String) }
        let acts: [(String, Act)] = [("write", .write("Careful and on time.")), ("same text", .write("Careful and on time.")),
                                     ("agree", .agree), ("agree again", .agree), ("ask", .ask("Mention the sound work.")),
                                     ("rewrite", .write("Careful, on time, good ears.")), ("ask again", .ask("Thanks!")),
                                     ("agree last", .agree), ("rewrite agreed", .write("Careful and quick."))]
        for (index, (name, act)) in acts.enumerated() {
            let at = now.addingTimeInterval(Double(index * 60))
            let (lite, post): (CoachStatement, CoachStatement)
            switch act {
            case .write(let body):
                lite = try await sqlite.writeCoachStatement(operatorId: anouk, coachId: coach, body: body, at: at)
                post = try await pg.writeCoachStatement(operatorId: anouk, coachId: coach, body: body, at: at)
            case .agree:
                lite = try await sqlite.agreeToCoachStatement(operatorId: anouk, at: at)
                post = try await pg.agreeToCoachStatement(operatorId: anouk, at: at)
            case .ask(let request):
                lite = try await sqlite.askForStatementChange(operatorId: anouk, request: request, at: at)
                post = try await pg.askForStatementChange(operatorId: anouk, request: request, at: at)
            }
            #expect(post == lite, "\(name)")
            #expect(try await pg.coachStatement(operatorId: anouk) == sqlite.coachStatement(operatorId: anouk), "\(name)")
        }
        let final = try #require(try await pg.coachStatement(operatorId: anouk))
        // A new text after an agreement waits for the operator again.
        #expect(final.body == "Careful and quick." && final.agreedAt == nil && final.changeRequest == nil
                && final.writtenAt == now.addingTimeInterval(480))
        #expect(await twins.codes({ _ = try await sqlite.agreeToCoachStatement(operatorId: bram, at: now) },
                                  { _ = try await pg.agreeToCoachStatement(operatorId: bram, at: now) })
                == ["no_statement", "no_statement"])
        #expect(await twins.codes({ _ = try await sqlite.askForStatementChange(operatorId: bram, request: "r", at: now) },
                                  { _ = try await pg.askForStatementChange(operatorId: bram, request: "r", at: now) })
                == ["no_statement", "no_statement"])
        #expect(await twins.codes({ _ = try await sqlite.writeCoachStatement(operatorId: 4242, coachId: coach, body: "b", at: now) },
                                  { _ = try await pg.writeCoachStatement(operatorId: 4242, coachId: coach, body: "b", at: now) })
                == ["unknown_reference", "unknown_reference"])
        #expect(try await pg.coachStatement(operatorId: bram) == nil)
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 8)
        #expect(audit[0].prefix(3).map { $0.split(separator: " ")[2] } == ["statement.write", "statement.agree", "statement.change-request"])
        #expect(audit[1] == audit[0])
    }

    @Test("ratings of instructions kept once per finished task, comments decided once, and the client's summary the same in both stores")
    func sameRatings() async throws {
        let twins = try await TwinStores(prepare: TwinWork.prepare)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let (anouk, coach) = (made.operators[0], made.coach)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        var owners: [Int64: Int64] = [:]
        for id in made.answered { owners[id] = try #require(try await sqlite.assignment(id: id)).operatorId }

        // One rating per task: answered ones with and without comments, and the skipped one.
        var rated: [Int64] = []
        for (index, assignmentId) in (made.answered.prefix(5) + [made.answered.last!]).enumerated() {
            let operatorId = try #require(owners[assignmentId])
            let comment: String? = index % 2 == 0 ? "comment \(index)" : nil
            let at = now.addingTimeInterval(Double(index * 60))
            let lite = try await sqlite.rateInstructions(operatorId: operatorId, assignmentId: assignmentId, clear: index % 3 != 0, comment: comment, at: at)
            #expect(try await pg.rateInstructions(operatorId: operatorId, assignmentId: assignmentId, clear: index % 3 != 0, comment: comment, at: at) == lite)
            rated.append(try #require(lite.id))
        }
        let skipped = try await sqlite.rateInstructions(operatorId: anouk, assignmentId: made.skipped, clear: false, comment: "too long", at: now)
        #expect(try await pg.rateInstructions(operatorId: anouk, assignmentId: made.skipped, clear: false, comment: "too long", at: now) == skipped)
        #expect(skipped.commentStatus == .pending && skipped.instructionsVersion == 1)

        let first = made.answered[0]
        let stranger = made.operators[2]
        let refusals: [(Int64, Int64, [String?])] = [
            (try #require(owners[first]), first, ["already_rated", "already_rated"]),
            (stranger, made.answered[1], ["assignment_not_found", "assignment_not_found"]),
            (anouk, 999_999, ["assignment_not_found", "assignment_not_found"]),
            (anouk, made.leased, ["task_not_done", "task_not_done"]),
        ]
        for (operatorId, assignmentId, codes) in refusals {
            #expect(await twins.codes({ _ = try await sqlite.rateInstructions(operatorId: operatorId, assignmentId: assignmentId, clear: true, comment: nil, at: now) },
                                      { _ = try await pg.rateInstructions(operatorId: operatorId, assignmentId: assignmentId, clear: true, comment: nil, at: now) })
                    == codes, "\(assignmentId)")
        }

        let pending = try await sqlite.pendingComments()
        #expect(pending.count == 4)
        #expect(try await pg.pendingComments() == pending)
        let decided = now.addingTimeInterval(3600)
        let passed = try await sqlite.decideComment(id: pending[0].id, coachId: coach, pass: true, at: decided)
        #expect(passed?.commentStatus == .passed)
        #expect(try await pg.decideComment(id: pending[0].id, coachId: coach, pass: true, at: decided) == passed)
        let kept = try await sqlite.decideComment(id: pending[1].id, coachId: coach, pass: false, at: decided)
        #expect(try await pg.decideComment(id: pending[1].id, coachId: coach, pass: false, at: decided) == kept)
        _ = try await sqlite.decideComment(id: pending[3].id, coachId: coach, pass: true, at: decided)
        _ = try await pg.decideComment(id: pending[3].id, coachId: coach, pass: true, at: decided)
        #expect(await twins.codes({ _ = try await sqlite.decideComment(id: pending[0].id, coachId: coach, pass: false, at: decided) },
                                  { _ = try await pg.decideComment(id: pending[0].id, coachId: coach, pass: false, at: decided) })
                == ["already_decided", "already_decided"])
        #expect(try await sqlite.decideComment(id: rated[1], coachId: coach, pass: true, at: decided) == nil)
        #expect(try await pg.decideComment(id: rated[1], coachId: coach, pass: true, at: decided) == nil)
        #expect(try await pg.decideComment(id: 999_999, coachId: coach, pass: true, at: decided) == nil)
        #expect(try await pg.pendingComments() == sqlite.pendingComments())

        for projectId in [made.projectId, made.projectId + 1] {
            #expect(try await pg.ratingSummary(projectId: projectId) == sqlite.ratingSummary(projectId: projectId))
        }
        let summary = try await pg.ratingSummary(projectId: made.projectId)
        #expect(summary.versions.map(\.ratings) == [7] && summary.versions.first?.unclear == 3)
        #expect(summary.comments.count == 2)
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 4)
        #expect(audit[0].first?.contains("rating.pass") == true)
        #expect(audit[1] == audit[0])
    }

    @Test("skills read, opened once, found, practised and opened for earlier work the same in both stores")
    func sameSkills() async throws {
        let twins = try await TwinStores(prepare: TwinWork.prepare)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let made = try await TwinWork.made(sqlite)
        let (anouk, bram, coach) = (made.operators[0], made.operators[1], made.coach)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let demoSteps = Set(try await sqlite.skills(operatorId: anouk).map(\.step))
        #expect(!demoSteps.isEmpty)
        for id in made.operators + [coach] { #expect(try await pg.skills(operatorId: id) == sqlite.skills(operatorId: id)) }
        for steps in [Array(demoSteps), ["reviewer-practice"], []] {
            #expect(try await pg.anyoneReached(steps: steps) == sqlite.anyoneReached(steps: steps), "\(steps)")
        }

        // Practice figures: kinds, a window of recent questions, none, and no limit.
        let asked: [(Set<TaskKind>, Int)] = [([.choice], 2), ([.choice, .audioTags], 10), ([.audioTags], 0), ([], 3), ([.imageBoxes], 5),
                                             ([.choice], -1)]
        for operatorId in [anouk, bram, made.operators[2]] {
            for (kinds, recent) in asked {
                #expect(try await pg.practice(operatorId: operatorId, kinds: kinds, recent: recent)
                            == sqlite.practice(operatorId: operatorId, kinds: kinds, recent: recent), "\(operatorId) \(kinds) \(recent)")
            }
        }
        let anouks = try await pg.practice(operatorId: anouk, kinds: [.choice, .audioTags], recent: 2)
        #expect(anouks.questions == 4 && anouks.recent == 2 && anouks.first == TwinWork.start.addingTimeInterval(690))

        // Opening: once (false the second time), a refused way of opening, and the same audit lines.
        for (step, via, expected) in [("reviewer-practice", "practice", true), ("reviewer-practice", "coach", false), ("sound", "coach", true)] {
            let lite = try await sqlite.openSkill(operatorId: anouk, step: step, via: via, by: coach, at: now)
            #expect(lite == expected)
            #expect(try await pg.openSkill(operatorId: anouk, step: step, via: via, by: coach, at: now) == lite)
        }
        #expect(await twins.codes({ try await sqlite.openSkill(operatorId: bram, step: "x", via: "magic", by: nil, at: now) },
                                  { try await pg.openSkill(operatorId: bram, step: "x", via: "magic", by: nil, at: now) })
                == ["storage_failure", "storage_failure"])
        #expect(await twins.codes({ try await sqlite.openSkill(operatorId: 4242, step: "x", via: "coach", by: nil, at: now) },
                                  { try await pg.openSkill(operatorId: 4242, step: "x", via: "coach", by: nil, at: now) })
                == ["unknown_reference", "unknown_reference"])
        #expect(try await pg.anyoneReached(steps: ["reviewer-practice"]))
        #expect(try await sqlite.anyoneReached(steps: ["reviewer-practice", "none"]) == pg.anyoneReached(steps: ["reviewer-practice", "none"]))

        // Steps for work done before the ladder: reached at the first non-practice answer of their kinds.
        let earlier: [(id: String, kinds: [TaskKind])] = [("earlier-choice", [.choice]), ("sound", [.audioTags]), ("nothing", [])]
        try await sqlite.openEarlierSkills(steps: earlier, actor: coach)
        try await pg.openEarlierSkills(steps: earlier, actor: coach)
        for id in made.operators {
            #expect(try await pg.skills(operatorId: id) == sqlite.skills(operatorId: id))
        }
        let bramSkills = try await pg.skills(operatorId: bram)
        #expect(bramSkills.first { $0.step == "earlier-choice" }?.reachedAt == TwinWork.start.addingTimeInterval(600 + 7 + 30))
        #expect(bramSkills.first { $0.step == "sound" }?.via == "earlier")
        #expect(try await pg.skills(operatorId: anouk).first { $0.step == "sound" }?.via == "coach")
        let audit = try await TwinWork.auditLines(sqlite, pg, limit: 5)
        #expect(audit[0].first?.contains("skill.earlier") == true)
        #expect(audit[1] == audit[0])
    }
}
