// The demo lab's projects: what each one asks, and which sample media fill it.
import AnnolabCore
import AnnolabStore
import Foundation

/// One project of the demo lab and the media it is filled with.
///
/// The four seeded projects, one of each kind, take the lab's generated media, whose right
/// answers are known exactly; the recorded sounds fit the sound project's tags, so they join it.
/// The real photographs and the real reading get projects of their own, named "Real ...": their
/// labels and languages differ from the street scenes' and the Dutch news', and the seeded
/// projects keep answers that are all known.
struct DemoProject: Sendable {
    var name: String
    var kind: TaskKind
    var labels: [String]
    /// A fixed overlap, or nil for an adaptive one of 2 to 5 answers.
    var overlap: Int?
    /// Whether the project takes the generated media of its kind.
    var generated: Bool
    /// Files from the samples folder (`DemoRealMedia`), imported after the generated ones.
    var real: [String]

    /// The project as stored, for the demo's client.
    func project(clientId: Int64, createdAt: Date) -> Project {
        Project(id: nil, clientId: clientId, name: name, template: kind, labels: labels, overlap: overlap,
                adaptiveMin: overlap == nil ? 2 : nil, adaptiveMax: overlap == nil ? 5 : nil,
                goldRate: 0.1, deadline: nil, createdAt: createdAt)
    }
}

extension DemoProject {
    static let verdicts = ["correct", "text-error", "timing-error", "missing-speech"]

    /// One project of each kind, made with the demo lab; served first, in this order.
    static let seeded: [DemoProject] = [
        DemoProject(name: "Street scenes: cars and people", kind: .imageBoxes, labels: ["car", "person", "bicycle"],
                    overlap: 3, generated: true, real: []),
        DemoProject(name: "Evening news: subtitle check", kind: .subtitleCheck, labels: verdicts,
                    overlap: nil, generated: true, real: []),
        DemoProject(name: "Programme sound: what do you hear", kind: .audioTags,
                    labels: ["music", "speech", "applause", "laughter", "silence", "noise"],
                    overlap: nil, generated: true, real: DemoRealMedia.sounds),
        DemoProject(name: "Street pictures: what is in them", kind: .choice, labels: ["cars", "people", "both", "nothing"],
                    overlap: 3, generated: true, real: []),
    ]

    /// The projects of the real photographs and the real reading, made when their media are
    /// imported: only where the samples folder is, so that a lab without it has no empty project.
    static let real: [DemoProject] = [
        DemoProject(name: "Real photographs: people, animals and things", kind: .imageBoxes,
                    labels: ["person", "cat", "cup", "camera", "rocket"], overlap: 3, generated: false,
                    real: DemoRealMedia.photographs),
        DemoProject(name: "Real photographs: what is in them", kind: .choice,
                    labels: ["person", "animal", "food or drink", "something else"], overlap: 3, generated: false,
                    real: DemoRealMedia.photographs),
        DemoProject(name: "Real recording: Shakespeare's Sonnet 1 (LibriVox), subtitle check", kind: .subtitleCheck,
                    labels: verdicts, overlap: nil, generated: false, real: DemoRealMedia.recording),
        DemoProject(name: "Real programme: Big Buck Bunny (Blender Foundation), choose the thumbnail", kind: .thumbnailChoice,
                    labels: [], overlap: 3, generated: false, real: DemoRealMedia.programme),
    ]
}
