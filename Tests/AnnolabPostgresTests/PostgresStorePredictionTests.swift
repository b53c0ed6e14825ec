// The PostgreSQL store answers as the SQLite store does: pictures uploaded with predictions, box checks, the drawing they release.
import AnnolabCore
import AnnolabPostgres
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: predicted uploads, box checks, held drawing", .serialized)
struct PostgresStorePredictionTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// A faces project that checks a model's boxes (made before the move, in SQLite).
    static func facesProject(_ store: LabStore) async throws {
        let client = try #require(try await store.openWork().projects.first?.clientId)
        let project = try await store.createProject(
            Project(clientId: client, name: "Faces", template: .imageBoxes, labels: ["face"], overlap: 2, adaptiveMin: nil,
                    adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: now), actor: nil)
        try await store.saveModelSetting(ModelSetting(projectId: project.id!, mode: "verify", threshold: 0.3, ordering: "uncertain-first",
                                                      modelVotes: false))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Two pictures: one with two predicted faces (two checks, its drawing held), one the model said nothing of.
    static func upload(projectId: Int64) throws -> PredictedUpload {
        let image = MicrotaskPayload.Image(url: "/media/\(projectId)/a/a.png", width: 400, height: 300)
        let boxes = [LabeledBox(label: "face", x: 40, y: 30, w: 60, h: 80), LabeledBox(label: "face", x: 200, y: 90, w: 50, h: 50)]
        let drawing = try json([MicrotaskPayload(image: image)])
        let entries = [
            PredictedUpload.Entry(item: Item(projectId: projectId, fileName: "a.png", mediaType: "image/png", mediaPath: "\(projectId)/a",
                                             byteCount: 1200, meta: #"{"height":"300","width":"400"}"#, createdAt: now),
                                  prediction: (source: "upload", modelVersion: "faces-1", body: try json(boxes)),
                                  drawLater: HeldWork(payloads: drawing, estimatedSeconds: 30)),
            PredictedUpload.Entry(item: Item(projectId: projectId, fileName: "b.png", mediaType: "image/png", mediaPath: "\(projectId)/b",
                                             byteCount: 900, meta: #"{"height":"300","width":"400"}"#, createdAt: now),
                                  prediction: nil),
        ]
        var work: [PredictedUpload.Work] = []
        for (region, box) in boxes.enumerated() {
            var payload = MicrotaskPayload(image: image, box: box)
            payload.adjustable = true
            work.append(.init(entry: 0, microtask: Microtask(projectId: projectId, itemId: nil, kind: .imageBoxVerify, payload: try json(payload),
                                                             estimatedSeconds: 5, requiredAnswers: 2, createdAt: now),
                              check: (region: region, score: region == 0 ? 0.92 : 0.41)))
        }
        work.append(.init(entry: 1, microtask: Microtask(projectId: projectId, itemId: nil, kind: .imageBoxes,
                                                         payload: try json(MicrotaskPayload(image: image)), estimatedSeconds: 30,
                                                         requiredAnswers: 2, createdAt: now)))
        return PredictedUpload(entries: entries, work: work)
    }

    @Test("the same upload, checks, answers and release give the same microtasks, checks, predictions and figures")
    func samePredictions() async throws {
        let twins = try await TwinStores(prepare: Self.facesProject)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let project = try #require(try await sqlite.openWork().projects.first { $0.name == "Faces" }?.id)
        let upload = try Self.upload(projectId: project)
        let made = try await sqlite.addPredictedUpload(upload, actor: nil, at: Self.now)
        #expect(made.count == 3)
        #expect(try await pg.addPredictedUpload(upload, actor: nil, at: Self.now) == made)
        #expect(try await pg.predictions(projectId: project) == sqlite.predictions(projectId: project))
        #expect(try await pg.predictions(projectId: project).count == 1)

        // Two operators answer both checks (yes and yes to the first, no and no to the second) and the drawing of b.png.
        let operators = try await sqlite.allUsers().filter { $0.role == .operator }.compactMap(\.id).prefix(2)
        for (number, person) in operators.enumerated() {
            for task in made {
                let id = try #require(task.id)
                let leased = try await sqlite.lease(microtaskId: id, operatorId: person, at: Self.now, until: Self.now.addingTimeInterval(600))
                let pgLeased = try await pg.lease(microtaskId: id, operatorId: person, at: Self.now, until: Self.now.addingTimeInterval(600))
                #expect(pgLeased.assignment == leased.assignment)
                let body = task.kind == .imageBoxVerify
                    ? AnswerBody(choice: task == made[0] ? "yes" : "no")
                    : AnswerBody(boxes: [LabeledBox(label: "face", x: 10, y: 10, w: 30 + Double(number), h: 30)])
                let answer = AnswerRecord(assignmentId: leased.assignment.id!, microtaskId: id, operatorId: person, body: try Self.json(body),
                                          idempotencyKey: nil, secondsSpent: 6 + Double(number), createdAt: Self.now.addingTimeInterval(Double(number)),
                                          response: "{}", isGold: false, goldCorrect: nil)
                let complete = number == 1
                #expect(try await pg.recordAnswer(answer, required: 2, complete: complete)
                            == sqlite.recordAnswer(answer, required: 2, complete: complete))
            }
        }
        // The exports' reads: the same items and box answers, in the same order.
        let items = try await sqlite.readExportItems(projectId: project) { cursor in
            var rows: [ExportItemRow] = []
            while let row = try cursor.next() { rows.append(row) }
            return rows
        }
        #expect(items.map(\.fileName) == ["a.png", "b.png"])
        #expect(try await pg.readExportItems(projectId: project) { cursor in
            var rows: [ExportItemRow] = []
            while let row = try cursor.next() { rows.append(row) }
            return rows
        } == items)
        let boxAnswers = try await sqlite.readExportBoxAnswers(projectId: project) { cursor in
            var rows: [ExportBoxAnswerRow] = []
            while let row = try cursor.next() { rows.append(row) }
            return rows
        }
        #expect(boxAnswers.count == 2)
        #expect(try await pg.readExportBoxAnswers(projectId: project) { cursor in
            var rows: [ExportBoxAnswerRow] = []
            while let row = try cursor.next() { rows.append(row) }
            return rows
        } == boxAnswers)
        let checks = try await sqlite.answeredChecks(projectId: project)
        let pgChecks = try await pg.answeredChecks(projectId: project)
        #expect(checks.count == 2 && checks.allSatisfy { $0.complete && $0.answers.count == 2 })
        #expect(pgChecks.map(\.microtaskId) == checks.map(\.microtaskId))
        #expect(pgChecks.map(\.predictionId) == checks.map(\.predictionId))
        #expect(pgChecks.map(\.region) == checks.map(\.region))
        #expect(pgChecks.map(\.score) == checks.map(\.score))
        #expect(pgChecks.map(\.payload) == checks.map(\.payload))
        #expect(pgChecks.map(\.answers) == checks.map(\.answers))
        #expect(pgChecks.map(\.seconds) == checks.map(\.seconds))
        #expect(try await pg.drawSecondsPerBox(projectId: project) == sqlite.drawSecondsPerBox(projectId: project))
        #expect(try await pg.drawSecondsPerBox(projectId: project) == [6, 7])
        // b.png is done; a.png waits for its held drawing.
        let bId = try #require(made[2].itemId)
        #expect(try await sqlite.finishedItemIds(projectId: project) == [bId])
        #expect(try await pg.finishedItemIds(projectId: project) == [bId])

        // The last check done: the drawing is released once, showing the boxes people kept.
        let kept: @Sendable ([AnsweredCheck], MicrotaskPayload) -> [LabeledBox] = { checks, _ in
            checks.filter { $0.answers.filter { $0.choice == "yes" }.count * 2 > $0.answers.count }.compactMap(\.payload.box)
        }
        let released = try await sqlite.releaseHeldDrawing(afterCheck: made[1].id!, required: 2, shown: kept)
        #expect(released.count == 1)
        // Made now in each store: the same microtasks but for the moment they were made.
        let pgReleased = try await pg.releaseHeldDrawing(afterCheck: made[1].id!, required: 2, shown: kept)
        #expect(pgReleased.map { [$0.id, $0.itemId, $0.projectId] as [Int64?] } == released.map { [$0.id, $0.itemId, $0.projectId] as [Int64?] })
        #expect(pgReleased.map { "\($0.kind) \($0.payload) \($0.estimatedSeconds) \($0.requiredAnswers) \($0.status)" }
                    == released.map { "\($0.kind) \($0.payload) \($0.estimatedSeconds) \($0.requiredAnswers) \($0.status)" })
        let payload = try JSONDecoder().decode(MicrotaskPayload.self, from: Data(try #require(released.first).payload.utf8))
        #expect(payload.shown == [LabeledBox(label: "face", x: 40, y: 30, w: 60, h: 80)] && payload.missed == true)
        #expect(try await sqlite.releaseHeldDrawing(afterCheck: made[1].id!, required: 2, shown: kept).isEmpty)
        #expect(try await pg.releaseHeldDrawing(afterCheck: made[0].id!, required: 2, shown: kept).isEmpty)
        #expect(try await pg.finishedItemIds(projectId: project) == sqlite.finishedItemIds(projectId: project))
        #expect(try await pg.auditLog(limit: 2).map(\.entry.detail) == sqlite.auditLog(limit: 2).map(\.entry.detail))
        // A waiting picture's work is made once: its wait row is gone after the first.
        var waiting = upload
        waiting.entries = [PredictedUpload.Entry(item: Item(projectId: project, fileName: "c.png", mediaType: "image/png", mediaPath: "c",
                                                            byteCount: 1, meta: "{}", createdAt: Self.now),
                                                 prediction: nil, wait: HeldWork(payloads: "[]", estimatedSeconds: 30))]
        waiting.work = []
        let cItem = try await sqlite.addPredictedUpload(waiting, actor: nil, at: Self.now)
        _ = try await pg.addPredictedUpload(waiting, actor: nil, at: Self.now)
        #expect(cItem.isEmpty)
        let c = try #require(try await pg.waitingPictures(projectId: project, limit: 5).first?.item)
        #expect(try await sqlite.waitingPictures(projectId: project, limit: 5).first?.item == c)
        var predicted = waiting
        predicted.entries = [PredictedUpload.Entry(item: c, prediction: (source: "model", modelVersion: "faces-1", body: "[]"))]
        _ = try await sqlite.addPredictedUpload(predicted, actor: nil, at: Self.now)
        _ = try await pg.addPredictedUpload(predicted, actor: nil, at: Self.now)
        #expect(await twins.codes({ _ = try await sqlite.addPredictedUpload(predicted, actor: nil, at: Self.now) },
                                  { _ = try await pg.addPredictedUpload(predicted, actor: nil, at: Self.now) })
                == ["already_predicted", "already_predicted"])
        #expect(try await pg.predictions(projectId: project) == sqlite.predictions(projectId: project))
    }
}
