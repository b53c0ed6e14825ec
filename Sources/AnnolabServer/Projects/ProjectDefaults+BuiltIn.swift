// The startable templates' defaults, taken from the catalog in Tasks/.
import AnnolabCore

extension ProjectDefaults {
    /// Defaults for each kind a client can start a project from (image-box-verify is derived, never started).
    static func from(_ catalog: TemplateCatalog) -> [TaskKind: ProjectDefaults] {
        var result: [TaskKind: ProjectDefaults] = [:]
        for kind in [TaskKind.imageBoxes, .subtitleCheck, .audioTags, .choice, .thumbnailChoice, .frameBoxes] {
            guard let template = catalog[kind] else { continue }
            result[kind] = ProjectDefaults(labels: template.labels.map(\.id), overlap: template.defaultOverlap,
                                           adaptiveMin: template.adaptiveOverlap.min, adaptiveMax: template.adaptiveOverlap.max)
        }
        return result
    }
}
