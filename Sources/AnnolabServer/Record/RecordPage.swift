// The operator's record as a printable certificate: one HTML document for one or two A4 pages.
import AnnolabCore
import Crypto
import Foundation

/// Writes an operator's record as a certificate a future employer can read on paper.
///
/// The document stands alone (its style inline, no scripts, no files to fetch), so that it
/// prints the same from the lab, from a saved file, or from `annolab record --out FILE.html`.
/// It speaks the operator's language and says what the work was before it gives figures.
/// The monthly detail of quality is summed up per kind (first and last month) to keep a busy
/// year on two pages; the JSON record keeps every month.
///
/// ```swift
/// let page = RecordPage.html(record, ladder: ladder)   // "<!doctype html><html lang=\"nl\">..."
/// ```
public enum RecordPage {
    /// The certificate as one HTML document. Every text that comes from people (names, the
    /// coach's statement, the lab's name) is escaped.
    public static func html(_ record: OperatorRecord, ladder: SkillLadder?) -> String {
        let words = words(for: record.person.language)
        let writer = Writer(record: record, ladder: ladder, words: words)
        let title = escape(words.title(record.person.name))
        return """
        <!doctype html>
        <html lang="\(words.language)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>
        <main>
        <h1>\(title)</h1>
        \(writer.introduction())
        <div class="pair">
        \(writer.hoursPart())
        \(writer.workPart())
        </div>
        \(writer.qualityPart())
        \(writer.skillsPart())
        \(writer.trainingPart())
        \(writer.pausesPart())
        \(writer.statementPart())
        \(writer.aboutPart())
        </main>
        </body>
        </html>

        """
    }

    /// The page's style, inline so the document stands alone; A4 with 15 mm margins, black on
    /// white and dark blue headings (contrast well above 7:1). Hours and work done stand side
    /// by side, so that a busy year fits on two pages.
    public static let style = """
    @page { size: A4; margin: 15mm }
    * { box-sizing: border-box }
    body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 9pt; line-height: 1.25; color: #111; background: #fff; margin: 0 auto; max-width: 180mm; padding: 6mm 0 }
    @media print { body { padding: 0; max-width: none } }
    h1 { font-size: 16pt; margin: 0 0 2mm; color: #0b2e4f }
    h2 { font-size: 11.5pt; margin: 4mm 0 1.2mm; padding-bottom: 0.5mm; color: #0b2e4f; border-bottom: 0.4mm solid #0b2e4f; break-after: avoid }
    p { margin: 0 0 1.2mm }
    table { border-collapse: collapse; width: 100%; margin: 0.5mm 0 1.5mm }
    tr { break-inside: avoid }
    table.narrow { width: auto; min-width: 90mm }
    .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 8mm; align-items: start }
    .pair table.narrow { width: 100%; min-width: 0 }
    @media screen and (max-width: 40em) { .pair { grid-template-columns: 1fr } }
    caption { text-align: left; padding: 0 0 0.8mm; font-style: italic; break-after: avoid }
    th, td { text-align: left; padding: 0.35mm 2mm; border-bottom: 0.2mm solid #8a8a8a; vertical-align: top }
    thead th { background: #e3ebf2; border-bottom: 0.3mm solid #0b2e4f }
    .n { text-align: right; white-space: nowrap }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3mm 5mm; margin: 2mm 0 }
    dt { font-weight: bold }
    dd { margin: 0 }
    blockquote { margin: 0.5mm 0 1.2mm; padding: 0.5mm 0 0.5mm 4mm; border-left: 1mm solid #0b2e4f }
    .small { font-size: 8pt }
    """

    /// The CSP source that lets a browser apply the inline style (and nothing else inline):
    /// `style-src 'self' \(RecordPage.styleSource)`.
    public static let styleSource: String = {
        let digest = SHA256.hash(data: Data(style.utf8))
        return "'sha256-\(Data(digest).base64EncodedString())'"
    }()

    /// Text made safe for HTML, in element content and in quoted attributes.
    static func escape(_ text: String) -> String {
        var safe = ""
        safe.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": safe += "&amp;"
            case "<": safe += "&lt;"
            case ">": safe += "&gt;"
            case "\"": safe += "&quot;"
            case "'": safe += "&#39;"
            default: safe.append(character)
            }
        }
        return safe
    }
}

extension RecordPage {
    /// Writes the parts of one record in one language; each part is an h2 section.
    struct Writer {
        let record: OperatorRecord
        let ladder: SkillLadder?
        let words: Words

        func introduction() -> String {
            let person = record.person
            let lab = labName
            let from = day(record.period.from), to = day(record.period.to)
            var lines = ["<p>\(escape(words.intro(person.name, lab, from, to)))</p>",
                         "<p>\(escape(words.whatItIs)) \(escape(words.howItWorks))</p>"]
            if let closed = person.closedOn {
                lines.append("<p>\(escape(words.closed(person.name, day(closed))))</p>")
            }
            let rows = [(words.summaryName, person.name), (words.summaryLab, lab),
                        (words.summaryPeriod, words.period(from, to)),
                        (words.summaryHours, hours(record.totalPaidSeconds)),
                        (words.summaryDays, String(daysWorked))]
            lines.append("<dl>"
                         + rows.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined() + "</dl>")
            return lines.joined(separator: "\n")
        }

        func hoursPart() -> String {
            let rows = record.months.map { month in
                [th(monthName(month.month)), td(String(month.days), number: true), td(hours(month.paidSeconds), number: true)]
            }
            return part("hours", words.hoursHeading, [
                paragraph(words.hoursText(hours(record.totalPaidSeconds), daysWorked)),
                table(words.hoursCaption, [words.month, words.days, words.paidTime], numbers: [1, 2], rows: rows, narrow: true),
            ])
        }

        func workPart() -> String {
            let rows = record.taskKinds.map { [th(kindName($0.kind)), td(String($0.microtasks), number: true)] }
            var body = [paragraph(words.workText),
                        table(words.workCaption, [words.kind, words.microtasks], numbers: [1], rows: rows, narrow: true)]
            if let clients = record.clients, !clients.isEmpty {
                body.append(paragraph(words.clients(clients.joined(separator: ", "))))
            }
            return part("work", words.workHeading, body)
        }

        func qualityPart() -> String {
            var order = record.taskKinds.map(\.kind)
            for quality in record.quality where !order.contains(quality.kind) {
                order.append(quality.kind)
            }
            let rows: [[String]] = order.compactMap { kind in
                let months = record.quality.filter { $0.kind == kind }.sorted { $0.month < $1.month }
                guard !months.isEmpty else { return nil }
                let answers = months.reduce(0) { $0 + $1.answers }
                let gold = months.compactMap { month in month.goldAccuracy.map { ($0, Double(month.goldAnswers)) } }
                let agreed = months.compactMap { month in month.agreement.map { ($0, Double(max(month.answers - month.goldAnswers, 1))) } }
                return [th(kindName(kind)), td(String(answers), number: true), td(trend(gold)), td(trend(agreed))]
            }
            return part("quality", words.qualityHeading, [
                paragraph(words.qualityText),
                table(words.qualityCaption, [words.kind, words.answers, words.goldRight, words.agreement], numbers: [1], rows: rows),
            ])
        }

        func skillsPart() -> String {
            var body = [paragraph(words.skillsText)]
            if record.skills.isEmpty {
                body.append(paragraph(words.noSkills))
            } else {
                let rows = record.skills.map { skill in
                    [th(stepName(skill.step)), td(ladder?.step(id: skill.step)?.about(in: words.language) ?? ""),
                     td(day(skill.reachedOn)), td(words.via[skill.via] ?? skill.via)]
                }
                body.append(table(words.skillsCaption, [words.skill, words.whatItMeans, words.reachedOn, words.how], numbers: [], rows: rows))
            }
            if let next = record.next {
                body.append(paragraph(words.next(stepName(next.step), next.practiceDone, next.practiceNeeded,
                                                 next.accuracy.map(percent), percent(next.accuracyNeeded))))
            }
            return part("skills", words.skillsHeading, body)
        }

        func trainingPart() -> String {
            var body = [paragraph(words.trainingText)]
            if record.trainings.isEmpty {
                body.append(paragraph(words.noTraining))
            } else {
                let rows = record.trainings.map { training in
                    [th(stepName(training.step)), td(String(training.practiceQuestions), number: true),
                     td(String(training.right), number: true),
                     td(training.from == training.to ? day(training.from) : words.period(day(training.from), day(training.to))),
                     td(training.passed ? words.passed : words.notYet)]
                }
                body.append(table(words.trainingCaption, [words.skill, words.practiceQuestions, words.right, words.dates, words.result],
                                  numbers: [1, 2], rows: rows))
            }
            return part("training", words.trainingHeading, body)
        }

        func pausesPart() -> String {
            let pauses = record.pauses
            return part("pauses", words.pausesHeading, [paragraph(words.pauses(pauses.scheduled, pauses.kept, pauses.extra))])
        }

        /// Left out until the operator agreed with a statement: the record has none before.
        func statementPart() -> String {
            guard let statement = record.coachStatement else { return "" }
            let paragraphs = statement.text.split(whereSeparator: \.isNewline).map { "<p>\(escape(String($0)))</p>" }
            return part("statement", words.statementHeading, [
                "<blockquote>\(paragraphs.joined())</blockquote>",
                paragraph(words.statementBy(statement.coach, day(statement.writtenOn), day(statement.agreedOn))),
            ])
        }

        func aboutPart() -> String {
            part("about", words.aboutHeading, ["<p class=\"small\">\(escape(words.about(madeOn, labName)))</p>"])
        }

        // MARK: Pieces

        private var labName: String {
            record.lab.place.map { "\(record.lab.name) (\($0))" } ?? record.lab.name
        }

        private var daysWorked: Int { record.months.reduce(0) { $0 + $1.days } }

        private var madeOn: String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            let parts = calendar.dateComponents([.year, .month, .day], from: record.madeAt)
            return day(String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0))
        }

        private func part(_ id: String, _ heading: String, _ body: [String]) -> String {
            "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(escape(heading))</h2>\n\(body.joined(separator: "\n"))\n</section>"
        }

        private func paragraph(_ text: String) -> String { "<p>\(escape(text))</p>" }
        private func th(_ text: String) -> String { "<th scope=\"row\">\(escape(text))</th>" }
        private func td(_ text: String, number: Bool = false) -> String {
            number ? "<td class=\"n\">\(escape(text))</td>" : "<td>\(escape(text))</td>"
        }

        private func table(_ caption: String, _ heads: [String], numbers: Set<Int>, rows: [[String]], narrow: Bool = false) -> String {
            let head = heads.enumerated().map { index, text in
                "<th scope=\"col\"\(numbers.contains(index) ? " class=\"n\"" : "")>\(escape(text))</th>"
            }.joined()
            let body = rows.map { "<tr>\($0.joined())</tr>" }.joined(separator: "\n")
            return "<table\(narrow ? " class=\"narrow\"" : "")><caption>\(escape(caption))</caption>\n<thead><tr>\(head)</tr></thead>\n<tbody>\n\(body)\n</tbody></table>"
        }

        private func kindName(_ kind: String) -> String {
            TaskKind(rawValue: kind).flatMap { words.kinds[$0] } ?? kind
        }

        private func stepName(_ id: String) -> String {
            if let step = ladder?.step(id: id) { return step.name(in: words.language) }
            return kindName(id)
        }

        /// The share over the whole period (each month weighted by how many answers it measured),
        /// and over the last three months when there were more: a month with two practice
        /// questions does not count as much as one with fifty.
        private func trend(_ months: [(share: Double, weight: Double)]) -> String {
            func weighted(_ part: ArraySlice<(share: Double, weight: Double)>) -> Double? {
                let total = part.reduce(0) { $0 + $1.weight }
                return total > 0 ? part.reduce(0) { $0 + $1.share * $1.weight } / total : nil
            }
            guard let overall = weighted(months[...]) else { return words.notMeasured }
            guard months.count > 3, let recent = weighted(months.suffix(3)) else { return percent(overall) }
            return words.fromTo(percent(overall), percent(recent))
        }

        private func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

        private func hours(_ seconds: Int) -> String {
            let minutes = max(0, seconds) / 60
            return words.hours(minutes / 60, minutes % 60)
        }

        /// "2026-12-07" as "7 December 2026" (or "7 december 2026"); other text as it is.
        private func day(_ text: String) -> String {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]) else { return text }
            return "\(parts[2]) \(words.months[parts[1] - 1]) \(parts[0])"
        }

        /// "2026-12" as "December 2026".
        private func monthName(_ text: String) -> String {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, (1...12).contains(parts[1]) else { return text }
            return "\(words.months[parts[1] - 1]) \(parts[0])"
        }
    }
}
