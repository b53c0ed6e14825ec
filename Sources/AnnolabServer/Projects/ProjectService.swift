// Creating projects from templates, and how a project is shown to its client.
import AnnolabCore
import AnnolabMedia
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
    var progress: Progress
    /// Agreement between operators and accuracy on gold, as answers arrive.
    var quality: Quality
    /// Hours of lab work on the project, at the client's price; never per click.
    var cost: ProjectCostReport
    /// What operators are shown: the client's own instructions, else the template's.
    var instructions: TaskTemplate.Lines?
    /// The export formats of this project's kind.
    var exports: [String]
    /// A subtitle check's limits for the subtitle rules, and how many cues of its files break each.
    var subtitleRules: SubtitleRuleSettings?
    var subtitleFindings: SubtitleRuleSummary?
    /// The preparation of uploaded programmes; nil in a project that has none.
    var jobs: [Job]?
    /// How the project uses its client's model; nil when it does not.
    var preannotations: Preannotations?
    /// The live model the project asks; nil without one.
    var model: ModelView?

    struct Job: Codable, Sendable {
        var file: String
        var state: String
        var progress: Double
        var reason: String?
    }

    struct Progress: Codable, Sendable {
        var microtasks: Int
        var completed: Int
        var inProgress: Int
        var left: Int
        /// Hours of work still needed, from the microtasks' estimated effort.
        var etaHours: Double?
        /// The working day the work is expected to be done, from the operators' rostered hours.
        var eta: String?
    }

    struct LabelQuality: Codable, Sendable {
        var label: String
        var answers: Int
        /// Of the pairs of answers on one microtask where at least one gave this label, the share where both did.
        var agreement: Double?
    }

    struct Quality: Codable, Sendable {
        var answers: Int
        var alpha: Double?
        var agreement: Double?
        var goldAnswers: Int
        var goldAccuracy: Double?
        var labels: [LabelQuality]
    }
}

/// Validates and creates projects.
struct ProjectService: Sendable {
    // The engine learns of every new project, so that its microtasks can be served.
    let store: any LabStoring
    let engine: LabEngine
    let pay: PayService
    /// The kinds a client can start a project from, with their template defaults.
    let defaults: [TaskKind: ProjectDefaults]
    let templates: TemplateCatalog?

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
        var instructions: TaskTemplate.Lines?
        /// Only for a subtitle check; keys left out keep the defaults.
        var subtitleRules: SubtitleRuleSettings?
        /// How the work starts from the client's model's predictions, if at all.
        var preannotations: Preannotations?
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
        if kind == .subtitleCheck {
            let verdicts = SubtitleVerdict.allCases.map(\.rawValue)
            guard !labels.isEmpty, labels.allSatisfy(verdicts.contains) else {
                throw LabError(.unprocessable, "invalid_labels",
                               "A subtitle check judges with the verdicts \(verdicts.joined(separator: ", ")); choose from those.")
            }
        }
        if kind != .subtitleCheck, kind != .thumbnailChoice, labels.isEmpty {
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
        var instructions: String?
        if let lines = new.instructions {
            for list in [lines.nl, lines.en] {
                guard (1...30).contains(list.count), list.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0.count <= 300 }) else {
                    throw LabError(.unprocessable, "invalid_instructions",
                                   "Instructions need 1 to 30 lines in Dutch and in English, each of 1 to 300 characters.")
                }
            }
            let trimmed = TaskTemplate.Lines(nl: lines.nl.map { $0.trimmingCharacters(in: .whitespaces) },
                                             en: lines.en.map { $0.trimmingCharacters(in: .whitespaces) })
            instructions = String(decoding: try JSONEncoder().encode(trimmed), as: UTF8.self)
        }
        var subtitleRules: String?
        if let rules = new.subtitleRules {
            guard kind == .subtitleCheck else {
                throw LabError(.unprocessable, "subtitle_rules_need_subtitles",
                               "Subtitle rules are for a subtitle check; this project is \(kind.rawValue).")
            }
            try rules.validate()
            subtitleRules = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        }
        // Checked before anything is stored, so that a refusal leaves no project behind.
        _ = try new.preannotations?.setting(projectId: 0, kind: kind)
        let project = Project(id: nil, clientId: clientId, name: name, template: kind, labels: labels,
                              overlap: new.overlap, adaptiveMin: adaptiveMin, adaptiveMax: adaptiveMax,
                              goldRate: goldRate, deadline: new.deadline, createdAt: Date(), instructions: instructions,
                              subtitleRules: subtitleRules)
        let created = try await store.createProject(project, actor: actor)
        if let preannotations = new.preannotations {
            try await store.saveModelSetting(try preannotations.setting(projectId: try created.id.required("project"), kind: kind))
        }
        engine.projectChanged(created)
        return created
    }

    func quality(_ project: Project) async throws -> ProjectView.Quality {
        let decoder = JSONDecoder()
        // Derived questions (box checks in a picture project) are measured apart from the project's own kind.
        let projectId = try project.id.required("project")
        let ownKind = Set(try await store.microtasks(projectId: projectId).filter { $0.kind == project.template.workKind }.compactMap(\.id))
        let given = try await store.answers(projectId: projectId).compactMap { record -> ProjectAgreement.Given? in
            guard ownKind.contains(record.microtaskId),
                  let answer = try? decoder.decode(AnswerBody.self, from: Data(record.body.utf8)) else { return nil }
            return .init(microtask: record.microtaskId, operatorId: record.operatorId, answer: answer,
                         isGold: record.isGold, goldCorrect: record.goldCorrect)
        }
        let overall = ProjectAgreement.measure(kind: project.template, labels: project.labels, answers: given)
        return ProjectView.Quality(answers: overall.answers, alpha: overall.alpha, agreement: overall.agreement,
                                   goldAnswers: overall.goldAnswers, goldAccuracy: overall.goldAccuracy,
                                   labels: Self.labelQuality(labels: project.labels, answers: given.filter { !$0.isGold }))
    }

    /// The labels each answer gave: a choice, the tags, the boxes' labels, the cues' verdicts.
    static func labelsGiven(_ answer: AnswerBody) -> [String] {
        if let choice = answer.choice { return [choice] }
        if let tags = answer.tags { return tags }
        if let boxes = answer.boxes { return boxes.map(\.label) }
        if let cues = answer.cues { return cues.map(\.verdict) }
        return []
    }

    /// Per label: how often it was given, and how often two operators on the same microtask agreed on it.
    static func labelQuality(labels: [String], answers: [ProjectAgreement.Given]) -> [ProjectView.LabelQuality] {
        let byTask = Dictionary(grouping: answers, by: \.microtask)
        return labels.map { label in
            var count = 0, pairs = 0, agreeing = 0
            for (_, group) in byTask {
                let gave = group.map { Self.labelsGiven($0.answer).contains(label) }
                count += group.map { Self.labelsGiven($0.answer).filter { $0 == label }.count }.reduce(0, +)
                for i in gave.indices {
                    for j in gave.indices where j > i && (gave[i] || gave[j]) {
                        pairs += 1
                        if gave[i] && gave[j] { agreeing += 1 }
                    }
                }
            }
            return ProjectView.LabelQuality(label: label, answers: count,
                                            agreement: pairs == 0 ? nil : Double(agreeing) / Double(pairs))
        }
    }

    /// Work left, in hours, and the working day it is expected to be done: the lab's rostered
    /// work minutes a day are shared equally between the projects with open work.
    func progress(_ project: Project) async throws -> ProjectView.Progress {
        let projectId = try project.id.required("project")
        let counts = try await store.progress(projectId: projectId)
        let remaining = try await store.remainingWork(projectId: projectId)
        let left = counts.microtasks - counts.completed
        guard left > 0 else {
            return .init(microtasks: counts.microtasks, completed: counts.completed, inProgress: counts.inProgress, left: 0,
                         etaHours: 0, eta: nil)
        }
        let hours = (remaining.estimatedSeconds / 3600 * 10).rounded(.up) / 10
        let capacity = try await store.rosteredCapacity()
        var eta: String?
        if capacity.minutesPerDay > 0 {
            let perDay = Double(capacity.minutesPerDay) / 60 / Double(max(capacity.openProjects, 1))
            var days = Int((hours / perDay).rounded(.up))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = engine.timeZone
            var day = engine.clock.now()
            while days > 0, let next = calendar.date(byAdding: .day, value: 1, to: day) {
                day = next
                if !calendar.isDateInWeekend(day) { days -= 1 }
            }
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day {
                eta = CalendarDate(year: year, month: month, day: dayOfMonth)?.description
            }
        }
        return .init(microtasks: counts.microtasks, completed: counts.completed, inProgress: counts.inProgress, left: left,
                     etaHours: hours, eta: eta)
    }

    /// The export formats of each kind.
    static let exports: [TaskKind: [String]] = [
        .imageBoxes: ["coco", "yolo", "voc", "labelstudio", "jsonl"],
        .subtitleCheck: ["vtt", "csv", "jsonl"],
        .audioTags: ["csv", "json", "jsonl"],
        .choice: ["csv", "json", "jsonl"],
        .imageBoxVerify: ["jsonl"],
        .thumbnailChoice: ["csv", "zip", "json", "jsonl"],
        .frameBoxes: ["coco", "yolo", "voc", "labelstudio", "csv", "jsonl"],
    ]

    func view(_ project: Project) async throws -> ProjectView {
        let adaptive = project.adaptiveMin.flatMap { min in project.adaptiveMax.map { ProjectView.Adaptive(min: min, max: $0) } }
        return ProjectView(id: try project.id.required("project"), name: project.name, template: project.template, labels: project.labels,
                           overlap: project.overlap, adaptiveOverlap: adaptive, goldRate: project.goldRate,
                           deadline: project.deadline, createdAt: project.createdAt,
                           progress: try await progress(project),
                           quality: try await quality(project),
                           cost: try await pay.projectCost(project),
                           instructions: try project.instructions.map { try JSONDecoder().decode(TaskTemplate.Lines.self, from: Data($0.utf8)) }
                               ?? templates?[project.template]?.instructions,
                           exports: Self.exports[project.template] ?? ["jsonl"],
                           subtitleRules: project.template == .subtitleCheck ? try project.ruleSettings() : nil,
                           subtitleFindings: project.template == .subtitleCheck ? try await subtitleFindings(project) : nil,
                           jobs: try await jobs(project),
                           preannotations: try await store.modelSetting(projectId: try project.id.required("project")).map(Preannotations.init),
                           model: try await modelView(project))
    }

    /// The live model's state and counts, when the project has one.
    func modelView(_ project: Project) async throws -> ModelView? {
        let projectId = try project.id.required("project")
        guard let setting = try await store.modelSetting(projectId: projectId), let url = setting.url else { return nil }
        let counts = try await store.predictionCounts(projectId: projectId)
        return ModelView(url: url, state: setting.state ?? "checking", reason: setting.reason, modelVersion: setting.modelVersion,
                         predicted: counts.predicted, waiting: counts.waiting)
    }

    /// What the subtitle rules found in every file of a project, added up.
    func subtitleFindings(_ project: Project) async throws -> SubtitleRuleSummary {
        let items = try await store.items(projectId: try project.id.required("project"))
        let decoder = JSONDecoder()
        return SubtitleRuleSummary.combining(items.compactMap { item in
            guard let meta = try? decoder.decode([String: String].self, from: Data(item.meta.utf8)),
                  let json = meta[ItemPreparer.ruleFindingsKey] else { return nil }
            return try? decoder.decode(SubtitleRuleSummary.self, from: Data(json.utf8))
        })
    }

    func jobs(_ project: Project) async throws -> [ProjectView.Job]? {
        let jobs = try await store.mediaJobs(projectId: try project.id.required("project"))
        guard !jobs.isEmpty else { return nil }
        return jobs.map { ProjectView.Job(file: $0.file, state: $0.state.rawValue, progress: ($0.progress * 1000).rounded() / 1000,
                                          reason: $0.reason) }
    }
}
