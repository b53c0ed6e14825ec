// Loads and checks every task template in the Tasks/ folder once, when the server starts.

import Foundation

/// The task templates of the lab, one per task kind, read from `Tasks/*.json`.
///
/// ```swift
/// let catalog = try TemplateCatalog.load(from: URL(fileURLWithPath: "Tasks"))
/// let boxes = try catalog.template(for: .imageBoxes)
/// ```
public struct TemplateCatalog: Sendable {
    public let templates: [TaskKind: TaskTemplate]

    public init(templates: [TaskKind: TaskTemplate]) {
        self.templates = templates
    }

    public subscript(kind: TaskKind) -> TaskTemplate? { templates[kind] }

    /// The template of a kind, or a plain error when the catalog has none.
    public func template(for kind: TaskKind) throws -> TaskTemplate {
        guard let template = templates[kind] else {
            throw LabError(.notFound, "template_missing",
                           "There is no task template for '\(kind.rawValue)'. Add Tasks/\(kind.rawValue).json and start Annolab again.")
        }
        return template
    }

    /// Loads every `*.json` file directly inside `folder` (sub-folders such as `samples/` are
    /// ignored) and checks each template.
    ///
    /// - Parameter required: the kinds that must each have a template; all kinds by default.
    /// - Throws: `LabError` naming the file and the field, with code `template_folder_unreadable`,
    ///   `template_unreadable`, `template_not_json`, `template_field_missing`,
    ///   `template_field_wrong_type`, `template_unknown_kind`, `template_duplicate_kind`,
    ///   `template_missing` or one of the codes of `TaskTemplate.validate(file:)`.
    public static func load(from folder: URL, required: Set<TaskKind> = Set(TaskKind.allCases)) throws -> TemplateCatalog {
        let folderName = folder.standardizedFileURL.lastPathComponent
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw LabError(.internalFailure, "template_folder_unreadable",
                           "The task template folder '\(folder.path)' cannot be read. Check that it exists and start Annolab again.")
        }
        var templates: [TaskKind: TaskTemplate] = [:]
        var files: [TaskKind: String] = [:]
        // The skill ladder lives beside the templates but is not one (see ``SkillLadder``).
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") && name != SkillLadder.fileName {
            let shown = "\(folderName)/\(name)"
            let template = try loadTemplate(at: folder.appendingPathComponent(name), shownAs: shown)
            if let earlier = files[template.kind] {
                throw LabError(.unprocessable, "template_duplicate_kind",
                               "\(shown): field 'kind' is '\(template.kind.rawValue)', which \(earlier) already has. Keep one template per kind.")
            }
            templates[template.kind] = template
            files[template.kind] = shown
        }
        for kind in TaskKind.allCases where required.contains(kind) && templates[kind] == nil {
            throw LabError(.unprocessable, "template_missing",
                           "\(folderName)/\(kind.rawValue).json is missing: every task kind needs a template. Add the file and start Annolab again.")
        }
        return TemplateCatalog(templates: templates)
    }

    /// Reads and checks one template file; `shownAs` is the name used in messages ("Tasks/choice.json").
    public static func loadTemplate(at file: URL, shownAs: String) throws -> TaskTemplate {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw LabError(.internalFailure, "template_unreadable",
                           "\(shownAs) cannot be read. Check that the file exists and can be opened, then start Annolab again.")
        }
        return try decode(data, shownAs: shownAs)
    }

    /// Decodes and checks a template from JSON bytes.
    public static func decode(_ data: Data, shownAs: String) throws -> TaskTemplate {
        let template: TaskTemplate
        do {
            template = try JSONDecoder().decode(TaskTemplate.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, file: shownAs)
        } catch {
            throw LabError(.unprocessable, "template_not_json",
                           "\(shownAs) is not valid JSON. Check the commas, quotes and brackets, then start Annolab again.")
        }
        try template.validate(file: shownAs)
        return template
    }

    /// Turns a decoding failure into a sentence that names the field.
    private static func describe(_ error: DecodingError, file: String) -> LabError {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return LabError(.unprocessable, "template_field_missing",
                            "\(file): field '\(field)' is missing. Add it and start Annolab again.")
        case .valueNotFound(_, let context):
            return LabError(.unprocessable, "template_field_missing",
                            "\(file): field '\(path(context.codingPath))' is null. Give it a value and start Annolab again.")
        case .typeMismatch(let type, let context):
            return LabError(.unprocessable, "template_field_wrong_type",
                            "\(file): field '\(path(context.codingPath))' has the wrong type; it should be \(describe(type)). Correct it and start Annolab again.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field == "kind" || field == "derivedFrom" {
                let known = TaskKind.allCases.map(\.rawValue).joined(separator: ", ")
                return LabError(.unprocessable, "template_unknown_kind",
                                "\(file): field '\(field)' names a task kind Annolab does not know. Use one of: \(known).")
            }
            if field.isEmpty {
                return LabError(.unprocessable, "template_not_json",
                                "\(file) is not valid JSON. Check the commas, quotes and brackets, then start Annolab again.")
            }
            return LabError(.unprocessable, "template_field_wrong_type",
                            "\(file): field '\(field)' has a value that cannot be read. Correct it and start Annolab again.")
        @unknown default:
            return LabError(.unprocessable, "template_not_json",
                            "\(file) cannot be read as a task template. Check it against the other files in the folder.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text in quotes"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "a list in [ ]"
        default:
            // JSONDecoder reports arrays as Array<...> and objects as Dictionary<String, Any>.
            return String(describing: type).hasPrefix("Array") ? "a list in [ ]" : "an object in { }"
        }
    }
}
