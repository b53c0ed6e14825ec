// The PostgreSQL store answers as the SQLite store does: projects, their progress and the versions of their instructions.
import AnnolabCore
@testable import AnnolabPostgres
import PostgresNIO
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: projects, progress, instructions versions", .serialized)
struct PostgresStoreProjectsTests {
    @Test("a lab's projects, their progress, remaining work, capacity and instructions versions read the same from both stores")
    func sameReads() async throws {
        let twins = try await WorkLab.twins()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let projects = try await sqlite.projects(clientId: nil)
        #expect(projects.count >= 2)
        #expect(try await pg.projects(clientId: nil) == projects)
        for clientId in Set(projects.map(\.clientId)) + [4242] {
            #expect(try await pg.projects(clientId: clientId) == sqlite.projects(clientId: clientId))
        }
        let during = WorkLab.start.addingTimeInterval(120)
        var seen = ProjectProgress(microtasks: 0, completed: 0, inProgress: 0)
        for project in projects {
            let id = try #require(project.id)
            #expect(try await pg.project(id: id) == project)
            for moment in [during, WorkLab.start.addingTimeInterval(7200)] {
                let progress = try await sqlite.progress(projectId: id, now: moment)
                #expect(try await pg.progress(projectId: id, now: moment) == progress)
                if moment == during {
                    seen.microtasks += progress.microtasks
                    seen.completed += progress.completed
                    seen.inProgress += progress.inProgress
                }
            }
            #expect(try await pg.remainingWork(projectId: id) == sqlite.remainingWork(projectId: id))
            #expect(try await pg.instructionsVersion(projectId: id) == sqlite.instructionsVersion(projectId: id))
        }
        // The prepared work: 5 counted microtasks (not the gold one), 2 complete (one and its review), 1 leased now.
        #expect(seen == ProjectProgress(microtasks: 6, completed: 2, inProgress: 1))
        let remaining = try await pg.remainingWork(projectId: try #require(projects.first?.id))
        #expect(remaining == RemainingWork(answersNeeded: 7, estimatedSeconds: 140))
        #expect(try await pg.project(id: 999_999) == nil)
        #expect(try await pg.instructionsVersion(projectId: 999_999) == nil)
        let capacity = try await sqlite.rosteredCapacity()
        #expect(capacity.minutesPerDay > 0 && capacity.openProjects == 1)
        let pgCapacity = try await pg.rosteredCapacity()
        #expect(pgCapacity.minutesPerDay == capacity.minutesPerDay && pgCapacity.openProjects == capacity.openProjects)
    }

    @Test("the same new projects and changed instructions give the same ids, versions, notices and refusals in both stores")
    func sameWrites() async throws {
        let twins = try await WorkLab.twins()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_200_000)
        let template = try #require(try await sqlite.projects(clientId: nil).first)
        let admin = try #require(try await sqlite.allUsers().first { $0.role == .admin }?.id)
        let new = Project(clientId: template.clientId, name: "Élections 2027", template: .choice, labels: ["yes", "no", "a/b"],
                          overlap: nil, adaptiveMin: 2, adaptiveMax: 4, goldRate: 0.05, deadline: "2027-03-01", createdAt: now,
                          instructions: #"{"en":["Pick one."]}"#, subtitleRules: nil)
        let made = try await sqlite.createProject(new, actor: admin)
        #expect(made.id != nil)
        #expect(try await pg.createProject(new, actor: admin) == made)
        #expect(await twins.codes({ _ = try await sqlite.createProject(Project(clientId: 4242, name: "x", template: .choice, labels: [], overlap: 1,
                                                                                adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil,
                                                                                createdAt: now), actor: nil) },
                                  { _ = try await pg.createProject(Project(clientId: 4242, name: "x", template: .choice, labels: [], overlap: 1,
                                                                            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil,
                                                                            createdAt: now), actor: nil) })
                == ["unknown_reference", "unknown_reference"])
        // The refusal took no id: the next project gets the same id in both.
        let next = try await sqlite.createProject(new, actor: nil)
        #expect(next.id == made.id.map { $0 + 1 })
        #expect(try await pg.createProject(new, actor: nil) == next)
        #expect(try await pg.projects(clientId: nil) == sqlite.projects(clientId: nil))

        // Instructions: the first notice is not a change; a change is told once; an unknown project is refused.
        let projectId = try #require(made.id)
        let operatorId = try #require(try await sqlite.allUsers().first { $0.role == .operator }?.id)
        var notices: [[String]] = []
        for store in [sqlite as any LabStoringInstructions, pg] {
            var told: [String] = []
            func notice() async throws {
                let answer = try await store.instructionsNotice(operatorId: operatorId, projectId: projectId)
                told.append("\(answer.version) \(answer.changed)")
            }
            try await notice()
            try await notice()
            let second = try await store.changeInstructions(projectId: projectId, to: #"{"en":["Pick the best."]}"#, actor: admin, at: now)
            told.append("v\(second)")
            try await notice()
            try await notice()
            let third = try await store.changeInstructions(projectId: projectId, to: nil, actor: nil, at: now.addingTimeInterval(60))
            told.append("v\(third)")
            try await notice()
            let unknown = try await store.instructionsNotice(operatorId: operatorId, projectId: 999_999)
            told.append("\(unknown)")
            notices.append(told)
        }
        #expect(notices[0] == ["1 false", "1 false", "v2", "2 true", "2 false", "v3", "3 true", "(version: 1, changed: false)"])
        #expect(notices[1] == notices[0])
        #expect(await twins.codes({ _ = try await sqlite.changeInstructions(projectId: 999_999, to: nil, actor: nil, at: now) },
                                  { _ = try await pg.changeInstructions(projectId: 999_999, to: nil, actor: nil, at: now) })
                == ["project_not_found", "project_not_found"])
        #expect(try await pg.project(id: projectId) == sqlite.project(id: projectId))
        #expect(try await pg.project(id: projectId)?.instructions == nil)
        #expect(try await pg.instructionsVersion(projectId: projectId) == 3)
        let versions = try await sqlite.instructionsVersions(projectId: projectId)
        #expect(versions.map(\.version) == [1, 2, 3])
        let pgVersions = try await pg.read { db in
            try await db.query(#"""
                SELECT "version", "instructions", "changedAt" FROM "instructionsVersion" WHERE "projectId" = \#(projectId) ORDER BY "version"
                """#, logger: pg.logger).collect().map { try $0.decode((Int64, String?, Date).self) }
        }
        #expect(pgVersions.map { Int($0.0) } == versions.map(\.version))
        #expect(pgVersions.map(\.1) == versions.map(\.instructions))
        #expect(pgVersions.map(\.2) == versions.map(\.changedAt))
        let lines = try await sqlite.auditLines(limit: 4)
        #expect(lines.contains { $0.hasSuffix("project.instructions project:\(projectId) version 3") })
        #expect(try await pg.auditLines(limit: 4) == lines)
    }
}

/// The instructions calls both stores have, for one loop over them.
protocol LabStoringInstructions: Sendable {
    func instructionsNotice(operatorId: Int64, projectId: Int64) async throws -> (version: Int, changed: Bool)
    func changeInstructions(projectId: Int64, to instructions: String?, actor: Int64?, at now: Date) async throws -> Int
}

extension LabStore: LabStoringInstructions {}
extension PostgresLabStore: LabStoringInstructions {}
