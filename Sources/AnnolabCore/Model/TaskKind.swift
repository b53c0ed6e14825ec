// The kinds of microtask the lab serves; each has a template in Tasks/.

/// A kind of microtask. The raw value is the name used in Tasks/ and in the API.
///
/// Two kinds are projects made from a programme whose microtasks are of another kind:
/// `thumbnail-choice` is served as `choice` (which of these frames) and `frame-boxes` as
/// `image-boxes` (boxes on a keyframe), so the work page and text mode need nothing new.
public enum TaskKind: String, Codable, Sendable, CaseIterable {
    case imageBoxes = "image-boxes"
    case imageBoxVerify = "image-box-verify"
    case subtitleCheck = "subtitle-check"
    case audioTags = "audio-tags"
    case choice = "choice"
    case thumbnailChoice = "thumbnail-choice"
    case frameBoxes = "frame-boxes"

    /// The kind of the microtasks a project of this template serves.
    public var workKind: TaskKind {
        switch self {
        case .thumbnailChoice: .choice
        case .frameBoxes: .imageBoxes
        default: self
        }
    }

    /// Whether projects of this template are made from programmes (video) only.
    public var needsProgramme: Bool { self == .thumbnailChoice || self == .frameBoxes }
}
