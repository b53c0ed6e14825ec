// The operator's record on paper and as data: the certificate's parts in both languages, its
// escaping, and the committed JSON Schema that the JSON record must meet.
@testable import AnnolabServer
import AnnolabCore
import Crypto
import Foundation
import Testing

@Suite("The operator's record as a certificate and as data")
struct RecordPageTests {
    static let ladder: SkillLadder? = try? SkillLadder.load(from: repositoryRoot.appendingPathComponent("Tasks"))
    static let schemaURL = repositoryRoot.appendingPathComponent("Web/record.schema.json")

    // MARK: The certificate

    @Test("an English certificate of a busy year has one h1, an h2 for each part, tables a screen reader can follow, and written-out dates and hours")
    func englishParts() throws {
        let page = RecordPage.html(RecordSample.year(language: "en"), ladder: try #require(Self.ladder))
        #expect(page.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(Self.count("<h1>", in: page) == 1)
        #expect(page.contains("<h1>Work record of Anna de Vries</h1>"))
        #expect(Self.headings(page) == ["Hours worked", "Work done", "Quality", "Skills", "Training", "Pauses",
                                        "Statement from the coach", "About this record"])
        #expect(page.contains("paid data-labelling work for AI"))
        #expect(page.contains("checking subtitles, tagging sounds and drawing boxes in pictures"))
        #expect(page.contains("from 4 January 2026 to 7 December 2026"))
        #expect(page.contains("<dd>1102 h 30 min</dd>"), "the year's paid hours as hours and minutes")
        #expect(page.contains("<th scope=\"row\">March 2026</th><td class=\"n\">17</td><td class=\"n\">91 h 50 min</td>"))
        #expect(page.contains("<th scope=\"row\">Checking subtitles</th>"), "a skill by the ladder's name")
        #expect(page.contains("<td>2 February 2026</td><td>after practice</td>"))
        #expect(page.contains("83% (last 3 months: 92%)"), "practice questions right over the year, and lately")
        #expect(page.contains("<th scope=\"row\">Reviewer</th>"), "the top step, reached")
        #expect(page.contains("Scheduled pauses taken in full: 190 of 200. Extra pauses when needed: 12."))
        #expect(page.contains("Written by Jan Bakker, coach, on 30 November 2026. Agreed by the worker on 2 December 2026."))
        #expect(page.contains("This record was made on 7 December 2026"))
        #expect(Self.count("<table", in: page) == Self.count("<caption>", in: page))
        #expect(Self.count("<th scope=\"col\"", in: page) >= 15)
        #expect(!page.contains("<th>"), "every header cell says what it heads")
    }

    @Test("a Dutch certificate says the same in Dutch, with Dutch dates and hours")
    func dutchParts() throws {
        let page = RecordPage.html(RecordSample.year(language: "nl"), ladder: try #require(Self.ladder))
        #expect(page.hasPrefix("<!doctype html>\n<html lang=\"nl\">"))
        #expect(Self.count("<h1>", in: page) == 1)
        #expect(page.contains("<h1>Werkoverzicht van Anna de Vries</h1>"))
        #expect(Self.headings(page) == ["Gewerkte uren", "Gedaan werk", "Kwaliteit", "Vaardigheden", "Training", "Pauzes",
                                        "Verklaring van de coach", "Over dit overzicht"])
        #expect(page.contains("data labelen voor AI"))
        #expect(page.contains("van 4 januari 2026 tot en met 7 december 2026"))
        #expect(page.contains("<dd>1102 uur 30 min</dd>"))
        #expect(page.contains("<th scope=\"row\">maart 2026</th>"))
        #expect(page.contains("<th scope=\"row\">Ondertitels controleren</th>"))
        #expect(page.contains("<td>2 februari 2026</td><td>na oefening</td>"))
        #expect(page.contains("83% (laatste 3 maanden: 92%)"))
        #expect(page.contains("<th scope=\"row\">Beoordelaar</th>"))
        #expect(page.contains("Geschreven door Jan Bakker, coach, op 30 november 2026. Goedgekeurd door de werker op 2 december 2026."))
        for english in ["Hours worked", "Work record", "after practice", "Practice questions", " to 7 ", "December"] {
            #expect(!page.contains(english), "English on the Dutch certificate: \(english)")
        }
    }

    @Test("below the top of the ladder, the certificate says what the operator is learning and how far they are")
    func nextStep() {
        var record = RecordSample.year(language: "en")
        record.skills.removeLast()
        record.next = .init(step: "reviewer", practiceDone: 31, practiceNeeded: 40, accuracy: 0.92, accuracyNeeded: 0.9)
        let page = RecordPage.html(record, ladder: Self.ladder)
        #expect(page.contains("<p>Now learning: Reviewer. Practice questions done: 31 of 40, 92% right (90% right needed).</p>"))
        record.person.language = "nl"
        record.next?.accuracy = nil
        #expect(RecordPage.html(record, ladder: Self.ladder).contains("<p>Leert nu: Beoordelaar. Oefenvragen gedaan: 31 van 40 (90% goed nodig).</p>"))
    }

    @Test("a language the certificate does not speak gives the English certificate")
    func otherLanguage() {
        var record = RecordSample.year(language: "en")
        record.person.language = "de"
        let page = RecordPage.html(record, ladder: nil)
        #expect(page.contains("<html lang=\"en\">"))
        #expect(page.contains("Work record of"))
        #expect(page.contains("<th scope=\"row\">Checking subtitles</th>"), "without a ladder a step is named by its kind")
    }

    @Test("a name, a lab and a statement with markup are printed as text, never as markup")
    func escaping() {
        var record = RecordSample.year(language: "en")
        record.person.name = "<script>alert('name')</script> & Co"
        record.lab.name = "Lab \"<b>bold</b>\""
        record.coachStatement?.text = "Good work.<script>alert(1)</script><img src=x onerror=alert(2)>"
        record.coachStatement?.coach = "<i>Coach</i>"
        record.clients = ["<b>Client</b>"]
        let page = RecordPage.html(record, ladder: Self.ladder)
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>") && !page.contains("<i>"))
        #expect(page.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; Co"))
        #expect(page.contains("Good work.&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(page.contains("<title>Work record of &lt;script&gt;"))
    }

    @Test("the clients are named only when the record has them; a record without a statement has no statement part")
    func clientsAndStatement() {
        var record = RecordSample.year(language: "en")
        record.clients = nil
        record.coachStatement = nil
        let without = RecordPage.html(record, ladder: Self.ladder)
        #expect(!without.contains("Clients worked for"))
        #expect(!without.contains("Beeld en Geluid"))
        #expect(!without.contains("Statement from the coach"))
        record.clients = ["Beeld en Geluid", "NOS"]
        let with = RecordPage.html(record, ladder: Self.ladder)
        #expect(with.contains("<p>Clients worked for: Beeld en Geluid, NOS.</p>"))
    }

    @Test("the page stands alone: no script, no file to fetch, A4 print, and a CSP hash for its one inline style")
    func standsAlone() {
        let page = RecordPage.html(RecordSample.year(language: "nl"), ladder: Self.ladder)
        for outside in ["<script", "<link", "src=", "href=", "url(", "@import"] {
            #expect(!page.contains(outside), "the page refers to something outside it: \(outside)")
        }
        #expect(page.contains("@page { size: A4; margin: 15mm }"))
        #expect(Self.count("<style>", in: page) == 1)
        #expect(page.contains("<style>\(RecordPage.style)</style>"))
        let digest = Data(SHA256.hash(data: Data(RecordPage.style.utf8))).base64EncodedString()
        #expect(RecordPage.styleSource == "'sha256-\(digest)'")
    }

    @Test("hours are hours and minutes: a quarter of an hour, a whole hour and no time at all")
    func hoursWritten() {
        var record = RecordSample.year(language: "en")
        record.months = [.init(month: "2026-01", paidSeconds: 15 * 60 + 59, days: 1),
                         .init(month: "2026-02", paidSeconds: 3600, days: 1),
                         .init(month: "2026-03", paidSeconds: 0, days: 0)]
        let page = RecordPage.html(record, ladder: Self.ladder)
        #expect(page.contains("<td class=\"n\">15 min</td>"))
        #expect(page.contains("<td class=\"n\">1 h</td>"))
        #expect(page.contains("<td class=\"n\">0 min</td>"))
    }

    // MARK: The schema

    @Test("the committed schema is JSON Schema 2020-12, describes every field in words, and uses only what the test's validator checks")
    func schemaParses() throws {
        let schema = try JSONValue.decode(Data(contentsOf: Self.schemaURL))
        #expect(schema["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        let unknown = SchemaValidator.unknownKeywords(schema)
        #expect(unknown.isEmpty, "keywords the validator would ignore: \(unknown)")
        let undescribed = SchemaValidator.propertiesWithoutDescription(schema)
        #expect(undescribed.isEmpty, "fields without a description: \(undescribed)")
    }

    @Test("a record as the lab encodes it meets the schema, with every optional field present and with each left out")
    func recordValidates() throws {
        let validator = try SchemaValidator(Data(contentsOf: Self.schemaURL))
        let full = RecordSample.year(language: "en")
        #expect(validator.errors(try Self.encoded(full)) == [])
        var bare = full
        bare.lab.place = nil
        bare.person.closedOn = nil
        bare.next = nil
        bare.coachStatement = nil
        bare.clients = nil
        bare.quality = [.init(kind: "choice", month: "2026-01", answers: 3, goldAnswers: 0, goldAccuracy: nil, agreement: nil)]
        let bareJSON = try Self.encoded(bare)
        #expect(validator.errors(bareJSON) == [])
        #expect(bareJSON["next"] == nil && bareJSON["clients"] == nil, "a nil optional is left out, not null")
        var withNull = bareJSON
        withNull["clients"] = .null
        #expect(!validator.errors(withNull).isEmpty, "null is not how the record says 'not known'")
    }

    @Test("a stray field anywhere fails the schema, and a field is required by the schema exactly when Swift needs it to read the record")
    func strayAndMissingFail() throws {
        let validator = try SchemaValidator(Data(contentsOf: Self.schemaURL))
        var full = RecordSample.year(language: "en")
        full.person.closedOn = "2026-12-07"
        let json = try Self.encoded(full)
        let paths = json.objectPaths()
        #expect(paths.count >= 14, "the record's objects, nested ones included")
        for path in paths {
            let stray = json.updating(path) { object in object["stray"] = .int(1) }
            #expect(!validator.errors(stray).isEmpty, "a stray field at \(path) passes the schema")
        }
        var checkedRequired = 0
        for keyPath in json.keyPaths() {
            let missing = json.removing(keyPath)
            let swiftReads = (try? LabJSON.decoder.decode(OperatorRecord.self, from: missing.data())) != nil
            let schemaPasses = validator.errors(missing).isEmpty
            #expect(swiftReads == schemaPasses, "without \(keyPath): Swift reads it \(swiftReads), the schema passes it \(schemaPasses)")
            if !swiftReads { checkedRequired += 1 }
        }
        #expect(checkedRequired >= 40, "most fields are required")
    }

    @Test("the validator itself refuses wrong values: a share above 1, a bad date, an unknown kind, a string for a number")
    func validatorCanFail() throws {
        let validator = try SchemaValidator(Data(contentsOf: Self.schemaURL))
        let json = try Self.encoded(RecordSample.year(language: "en"))
        let wrongs: [(String, JSONValue)] = [
            ("a share of 1.5", json.updating(["quality", "0"]) { $0["goldAccuracy"] = .double(1.5) }),
            ("a day written 7-12-2026", json.updating(["period"]) { $0["to"] = .string("7-12-2026") }),
            ("an unknown kind", json.updating(["taskKinds", "0"]) { $0["kind"] = .string("dancing") }),
            ("seconds as text", json.updating([]) { $0["totalPaidSeconds"] = .string("3600") }),
            ("another format", json.updating([]) { $0["format"] = .string("cv") }),
            ("seconds with a fraction", json.updating(["months", "0"]) { $0["paidSeconds"] = .double(1.5) }),
            ("a 'via' the record does not know", json.updating(["skills", "0"]) { $0["via"] = .string("luck") }),
            ("a list where an object goes", json.updating([]) { $0["pauses"] = .array([]) }),
        ]
        for (what, wrong) in wrongs {
            #expect(!validator.errors(wrong).isEmpty, "\(what) passes the schema")
        }
    }

    // MARK: Helpers

    static func encoded(_ record: OperatorRecord) throws -> JSONValue {
        try JSONValue.decode(LabJSON.encoder.encode(record))
    }

    static func count(_ text: String, in page: String) -> Int {
        page.components(separatedBy: text).count - 1
    }

    static func headings(_ page: String) -> [String] {
        page.components(separatedBy: "<h2 ").dropFirst().compactMap { piece in
            guard let open = piece.firstIndex(of: ">"), let close = piece.range(of: "</h2>") else { return nil }
            return String(piece[piece.index(after: open)..<close.lowerBound])
        }
    }
}

/// A busy year of work, as large as a certificate gets: 12 months, 6 kinds, 5 skills, training
/// for each step after the first, clients named and a statement of about 600 characters.
enum RecordSample {
    static let statements = [
        "en": "Anna worked with us for a year and was one of the most careful people in the lab. She started with tagging sounds and learned to check subtitles, check boxes and draw boxes in pictures; since November she decides as a reviewer where others did not agree. Her answers to practice questions improved every month. She keeps to the agreed hours, takes her pauses, and tells us clearly when instructions are not clear, which helped us improve them for everyone. She works well on her own and asks for help when she needs it. I recommend her for any work that asks for care, patience and attention to detail.",
        "nl": "Anna werkte een jaar bij ons en was een van de zorgvuldigste mensen in het lab. Ze begon met geluiden benoemen en leerde ondertitels controleren, kaders controleren en kaders tekenen in foto's; sinds november beslist ze als beoordelaar waar anderen het niet eens waren. Haar antwoorden op oefenvragen werden elke maand beter. Ze houdt zich aan de afgesproken uren, neemt haar pauzes en zegt duidelijk wanneer een uitleg niet duidelijk is; zo konden we die voor iedereen beter maken. Ze werkt goed zelfstandig en vraagt hulp als dat nodig is. Ik raad haar aan voor werk dat zorg, geduld en precisie vraagt.",
    ]

    static func year(language: String) -> OperatorRecord {
        let minutes: [Int] = [5500, 5500, 5510, 5500, 5500, 5640, 5500, 5500, 5500, 5500, 5500, 5500]
        var months: [OperatorRecord.Month] = []
        for (index, paid) in minutes.enumerated() {
            months.append(.init(month: String(format: "2026-%02d", index + 1), paidSeconds: paid * 60, days: 17))
        }
        let kinds: [(String, Int)] = [("audio-tags", 4200), ("subtitle-check", 3100), ("image-box-verify", 2500),
                                      ("image-boxes", 1800), ("frame-boxes", 600), ("choice", 900)]
        var quality: [OperatorRecord.Quality] = []
        for (kind, total) in kinds {
            for month in 0..<12 {
                let share = Double(month) / 11
                let agreement: Double? = kind == "frame-boxes" ? nil : 0.8 + 0.1 * share
                quality.append(.init(kind: kind, month: String(format: "2026-%02d", month + 1), answers: total / 12,
                                     goldAnswers: 20, goldAccuracy: 0.71 + 0.23 * share, agreement: agreement))
            }
        }
        return OperatorRecord(
            madeAt: Date(timeIntervalSince1970: 1_796_637_600),  // 7 December 2026, 10:00 UTC
            lab: .init(name: "Werkplaats Data", place: "Utrecht"),
            person: .init(name: "Anna de Vries", language: language, since: "2026-01-04", closedOn: nil),
            period: .init(from: "2026-01-04", to: "2026-12-07"),
            months: months,
            totalPaidSeconds: minutes.reduce(0, +) * 60,
            taskKinds: kinds.map { OperatorRecord.KindDone(kind: $0.0, microtasks: $0.1) },
            quality: quality,
            skills: [
                .init(step: "audio-tags", reachedOn: "2026-01-04", via: "earlier"),
                .init(step: "subtitle-check", reachedOn: "2026-02-02", via: "practice"),
                .init(step: "image-box-verify", reachedOn: "2026-04-10", via: "practice"),
                .init(step: "image-boxes", reachedOn: "2026-06-15", via: "coach"),
                .init(step: "reviewer", reachedOn: "2026-11-20", via: "practice"),
            ],
            next: nil,
            trainings: [
                .init(step: "subtitle-check", practiceQuestions: 12, right: 10, from: "2026-01-20", to: "2026-02-02", passed: true),
                .init(step: "image-box-verify", practiceQuestions: 10, right: 9, from: "2026-03-28", to: "2026-04-10", passed: true),
                .init(step: "image-boxes", practiceQuestions: 14, right: 10, from: "2026-05-30", to: "2026-06-12", passed: true),
                .init(step: "reviewer", practiceQuestions: 44, right: 41, from: "2026-10-01", to: "2026-11-20", passed: true),
            ],
            pauses: .init(scheduled: 200, kept: 190, extra: 12),
            coachStatement: .init(text: statements[language] ?? statements["en"] ?? "", coach: "Jan Bakker",
                                  writtenOn: "2026-11-30", agreedOn: "2026-12-02"),
            clients: ["Beeld en Geluid", "NOS"]
        )
    }
}
