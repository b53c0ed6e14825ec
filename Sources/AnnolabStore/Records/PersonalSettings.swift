// What a person sets for themselves on any lab computer: text size, contrast, motion, sounds, language.
import AnnolabCore
import Foundation
import GRDB

/// Personal display and sound settings. They are kept on the server, so they follow an
/// operator to whichever computer in the lab they sit at.
public struct PersonalSettings: Codable, Sendable, Equatable {
    /// The text sizes offered, in percent of the normal size.
    public static let textSizes = [100, 125, 150, 175, 200]
    public static let languages = ["nl", "en"]

    public var textSize: Int = 100
    public var contrast: Bool = false
    public var reducedMotion: Bool = false
    public var language: String = "nl"
    public var sounds: Bool = true
    /// Whether the person ever chose a language in their settings; until then a page keeps
    /// the language chosen on the computer it runs on.
    public var languageChosen: Bool = false

    public init() {}

    /// Settings as stored; a field missing in the JSON keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        textSize = try c.decodeIfPresent(Int.self, forKey: .textSize) ?? 100
        contrast = try c.decodeIfPresent(Bool.self, forKey: .contrast) ?? false
        reducedMotion = try c.decodeIfPresent(Bool.self, forKey: .reducedMotion) ?? false
        language = try c.decodeIfPresent(String.self, forKey: .language) ?? "nl"
        sounds = try c.decodeIfPresent(Bool.self, forKey: .sounds) ?? true
        languageChosen = try c.decodeIfPresent(Bool.self, forKey: .languageChosen) ?? false
    }

    /// Refuses values the pages cannot show, with a sentence that says what is allowed.
    public func validated() throws -> PersonalSettings {
        guard Self.textSizes.contains(textSize) else {
            throw LabError(.unprocessable, "invalid_settings",
                           "A text size of \(textSize)% is not offered. Choose 100, 125, 150, 175 or 200.")
        }
        guard Self.languages.contains(language) else {
            throw LabError(.unprocessable, "invalid_settings", "The language must be nl (Dutch) or en (English).")
        }
        return self
    }
}

extension LabStore {
    /// A person's settings; the language comes from their account.
    public func personalSettings(userId: Int64) async throws -> PersonalSettings {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT settings, language FROM user WHERE id = ?", arguments: [userId]) else {
                throw LabError(.notFound, "user_not_found", "There is no account with id \(userId).")
            }
            var settings = (try? JSONDecoder().decode(PersonalSettings.self, from: Data((row["settings"] as String).utf8)))
                ?? PersonalSettings()
            settings.language = row["language"]
            return settings
        }
    }

    /// Stores a person's settings (checked first); the language also becomes their account's language.
    public func setPersonalSettings(_ settings: PersonalSettings, userId: Int64) async throws -> PersonalSettings {
        let checked = try settings.validated()
        let json = String(decoding: try JSONEncoder().encode(checked), as: UTF8.self)
        try await write { db in
            try db.execute(sql: "UPDATE user SET settings = ?, language = ? WHERE id = ?",
                           arguments: [json, checked.language, userId])
            guard db.changesCount == 1 else {
                throw LabError(.notFound, "user_not_found", "There is no account with id \(userId).")
            }
        }
        return checked
    }
}
