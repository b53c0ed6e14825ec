// The startable templates' defaults, until the catalog in Tasks/ is loaded.
import AnnolabCore

extension ProjectDefaults {
    /// Defaults for each kind a client can start a project from.
    static let builtIn: [TaskKind: ProjectDefaults] = [
        .imageBoxes: ProjectDefaults(labels: ["car", "person", "bicycle"]),
        .subtitleCheck: ProjectDefaults(labels: ["correct", "text-error", "timing-error", "missing-speech"]),
        .audioTags: ProjectDefaults(labels: ["music", "speech", "applause", "laughter", "silence", "noise"]),
        .choice: ProjectDefaults(labels: ["A", "B"]),
    ]
}
