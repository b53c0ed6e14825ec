// Creating projects from templates, and how a project is shown to its client.
import AnnolabStore
import Foundation
import Hummingbird

/// What a template gives a new project unless the client says otherwise.
public struct ProjectDefaults: Sendable {
    public var labels: [String]
    public var overlap: Int
    public var adaptiveMin: Int
    public var adaptiveMax: Int

    public init(labels: [String], overlap: Int = 3, adaptiveMin: Int = 2, adaptiveMax: Int = 5) {
        self.labels = labels
        self.overlap = overlap
        self.adaptiveMin = adaptiveMin
        self.adaptiveMax = adaptiveMax
    }
}

/// A project as its client sees it.
struct ProjectView: ResponseEncodable, Sendable {
    struct Adaptive: Codable, Sendable {
        var min: Int
        var max: Int
    }
    var id: Int64
    var name: String
    var template: TaskKind
    var labels: [String]
    var overlap: Int?
    var adaptiveOverlap: Adaptive?
    var goldRate: Double
    var deadline: String?
    var createdAt: Date
    var progress: ProjectProgress
    /// Agreement between operators and accuracy on gold, as answers arrive.
    var quality: ProjectAgreement
    /// Hours of lab work on the project, at the client's price; never per click.
    var cost: ProjectCostReport
}

/// Validates and creates projects.
struct ProjectService: Sendable {
    // The engine learns of every new project, so that its microtasks can be served.
    let store: LabStore
    let engine: LabEngine
    let pay: PayService
    /// The kinds a client can start a project from, with their template defaults.
    let defaults: [TaskKind: ProjectDefaults]

    struct NewProject: Decodable, Sendable {
        struct Adaptive: Decodable, Sendable {
            var min: Int
            var max: Int
        }
        var name: String
        var template: String
        var labels: [String]?
        var overlap: Int?
        var adaptiveOverlap: Adaptive?
        var goldRate: Double?
        var deadline: String?
    }

    func create(_ new: NewProject, clientId: Int64, actor: Int64?) async throws -> Project {
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw LabError(.unprocessable, "invalid_name", "A project needs a name of 1 to 200 characters.")
        }
        let startable = defaults.keys.map(\.rawValue).sorted()
        guard let kind = TaskKind(rawValue: new.template), let base = defaults[kind] else {
            throw LabError(.unprocessable, "unknown_template",
                           "There is no template '\(new.template)'. Choose one of: \(startable.joined(separator: ", ")).")
        }
        let labels = (new.labels ?? base.labels).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if labels.contains(where: \.isEmpty) || Set(labels).count != labels.count {
            throw LabError(.unprocessable, "invalid_labels", "Labels must be filled in and different from each other.")
        }
        if kind != .subtitleCheck, labels.isEmpty {
            throw LabError(.unprocessable, "labels_missing", "This template needs at least one label.")
        }
        if kind == .choice, labels.count < 2 {
            throw LabError(.unprocessable, "choice_needs_options", "A choice project needs at least two options to choose from.")
        }
        if let overlap = new.overlap, !(1...10).contains(overlap) {
            throw LabError(.unprocessable, "invalid_overlap", "The overlap must be between 1 and 10 operators.")
        }
        var adaptiveMin: Int?
        var adaptiveMax: Int?
        if new.overlap == nil {
            let adaptive: (min: Int, max: Int) = new.adaptiveOverlap.map { ($0.min, $0.max) } ?? (base.adaptiveMin, base.adaptiveMax)
            guard adaptive.min >= 1, adaptive.max >= adaptive.min, adaptive.max <= 10 else {
                throw LabError(.unprocessable, "invalid_adaptive_overlap",
                               "Adaptive overlap needs 1 <= min <= max <= 10 operators.")
            }
            adaptiveMin = adaptive.min
            adaptiveMax = adaptive.max
        }
        let goldRate = new.goldRate ?? 0.1
        guard (0...0.5).contains(goldRate) else {
            throw LabError(.unprocessable, "invalid_gold_rate", "The gold rate must be between 0 and 0.5 (0 to 50%).")
        }
        if let deadline = new.deadline, CalendarDate(deadline) == nil {
            throw LabError(.unprocessable, "invalid_deadline", "The deadline '\(deadline)' is not a date like 2026-12-31.")
        }
        let project = Project(id: nil, clientId: clientId, name: name, template: kind, labels: labels,
                              overlap: new.overlap, adaptiveMin: adaptiveMin, adaptiveMax: adaptiveMax,
                              goldRate: goldRate, deadline: new.deadline, createdAt: Date())
        let created = try await store.createProject(project, actor: actor)
        engine.projectChanged(created)
        return created
    }

    func quality(_ project: Project) async throws -> ProjectAgreement {
        let decoder = JSONDecoder()
        // Derived questions (box checks in a picture project) are measured apart from the project's own kind.
        let ownKind = Set(try await store.microtasks(projectId: project.id!).filter { $0.kind == project.template }.compactMap(\.id))
        let given = try await store.answers(projectId: project.id!).compactMap { record -> ProjectAgreement.Given? in
            guard ownKind.contains(record.microtaskId),
                  let answer = try? decoder.decode(AnswerBody.self, from: Data(record.body.utf8)) else { return nil }
            return .init(microtask: record.microtaskId, operatorId: record.operatorId, answer: answer,
                         isGold: record.isGold, goldCorrect: record.goldCorrect)
        }
        return ProjectAgreement.measure(kind: project.template, labels: project.labels, answers: given)
    }

    func view(_ project: Project) async throws -> ProjectView {
        let adaptive = project.adaptiveMin.flatMap { min in project.adaptiveMax.map { ProjectView.Adaptive(min: min, max: $0) } }
        return ProjectView(id: project.id!, name: project.name, template: project.template, labels: project.labels,
                           overlap: project.overlap, adaptiveOverlap: adaptive, goldRate: project.goldRate,
                           deadline: project.deadline, createdAt: project.createdAt,
                           progress: try await store.progress(projectId: project.id!),
                           quality: try await quality(project),
                           cost: try await pay.projectCost(project))
    }
}
