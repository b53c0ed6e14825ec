// The text mode over HTTP: one line in, short lines out, with links to spoken versions.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Each operator's dialogue, kept in memory between their lines. Lines of one operator are
/// handled one after another, never at the same time.
actor TextSessions {
    private var dialogues: [Int64: TextDialogue] = [:]
    /// The last line of each operator still being handled; the next waits for it, so lines are
    /// handled one after another in the order they came in.
    private var tails: [Int64: Task<Void, Never>] = [:]

    func handle(_ input: String, operatorId: Int64, name: String, language: @escaping @Sendable () async throws -> String,
                chosen: String?, lab: EngineDialogueLab) async throws -> (DialogueReply, String) {
        let previous = tails[operatorId]
        let work = Task { () async throws -> (DialogueReply, String) in
            await previous?.value
            var dialogue: TextDialogue
            if let existing = await self.dialogue(operatorId) {
                dialogue = existing
            } else {
                dialogue = TextDialogue(name: name, language: try await language())
            }
            if let chosen { dialogue.use(language: chosen) }
            let reply = await dialogue.handle(input, lab: lab)
            await self.store(dialogue, for: operatorId)
            return (reply, dialogue.language)
        }
        tails[operatorId] = Task { _ = try? await work.value }
        return try await work.value
    }

    private func dialogue(_ operatorId: Int64) -> TextDialogue? { dialogues[operatorId] }
    private func store(_ dialogue: TextDialogue, for operatorId: Int64) { dialogues[operatorId] = dialogue }
}

/// `POST /api/v1/text` and the spoken files at `GET /api/v1/speech/{file}`.
struct TextRoutes {
    let engine: LabEngine
    let templates: TemplateCatalog?
    let speech: SpeechService
    let sessions = TextSessions()

    struct TextRequest: Decodable {
        var input: String
        /// Also speak the reply (espeak-ng); on by default for operators in audio mode.
        var speech: Bool?
        /// "nl" or "en": the dialogue speaks this language from now on (a page's language switch).
        var language: String?
    }

    struct TextResponse: ResponseEncodable {
        /// The reply as lines of text, one per line.
        var output: String
        var lines: [String]
        /// The whole reply spoken, when asked for and espeak-ng is there.
        var audio: String?
        /// Sounds that go with the reply, in order: the programme part or sound, a subtitle spoken.
        var clips: [String]
        /// "saved" after an answer was stored, "pause" when a pause starts.
        var signal: String?
        /// True when the operator asked to hear the clips now.
        var play: Bool
        var language: String
    }

    func register(on router: LabRouter) {
        router.group("api/v1/text").add(middleware: RoleMiddleware(.operator)).post(use: text)
        router.get("api/v1/speech/{file}", use: spoken)
    }

    @Sendable func text(_ request: Request, context: LabRequestContext) async throws -> TextResponse {
        let user = try context.requireUser()
        let userId = try user.id.required("person")
        let body = try await request.decode(as: TextRequest.self, context: context)
        guard body.input.count <= 2000 else {
            throw LabError(.badRequest, "input_too_long", "Please say or type less at once: at most 2000 characters.")
        }
        if let language = body.language, !PersonalSettings.languages.contains(language) {
            throw LabError(.unprocessable, "invalid_language", "The language must be nl (Dutch) or en (English).")
        }
        let store = engine.store
        let lab = EngineDialogueLab(engine: engine, operatorId: userId, templates: templates)
        let (reply, language) = try await sessions.handle(body.input, operatorId: userId, name: user.name,
                                                          language: { try await store.personalSettings(userId: userId).language },
                                                          chosen: body.language, lab: lab)
        let audioMode = try await store.profile(operatorId: userId)?.audioMode ?? false
        var audio: String?
        if body.speech ?? audioMode {
            audio = try? await speech.speak(reply.lines.joined(separator: " "), language: language).map { "/api/v1/speech/\($0)" }
        }
        var clips: [String] = []
        for clip in reply.clips {
            switch clip {
            case .media(let url): clips.append(url)
            case .speech(let text, let clipLanguage):
                if let name = try? await speech.speak(text, language: clipLanguage) { clips.append("/api/v1/speech/\(name)") }
            }
        }
        return TextResponse(output: reply.lines.joined(separator: "\n"), lines: reply.lines, audio: audio, clips: clips,
                            signal: reply.signal?.rawValue, play: reply.playNow, language: language)
    }

    /// A spoken text from the cache, for anyone signed in.
    @Sendable func spoken(_ request: Request, context: LabRequestContext) async throws -> Response {
        _ = try context.requireUser()
        guard let name = context.parameters.get("file"), let url = speech.cachedFile(named: name),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw LabError(.notFound, "speech_not_found", "There is no such spoken text.")
        }
        return Response(status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "private, max-age=86400"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
