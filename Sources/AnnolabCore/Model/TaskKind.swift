// The kinds of microtask the lab serves; each has a template in Tasks/.

/// A kind of microtask. The raw value is the name used in Tasks/ and in the API.
public enum TaskKind: String, Codable, Sendable, CaseIterable {
    case imageBoxes = "image-boxes"
    case imageBoxVerify = "image-box-verify"
    case subtitleCheck = "subtitle-check"
    case audioTags = "audio-tags"
    case choice = "choice"
}
