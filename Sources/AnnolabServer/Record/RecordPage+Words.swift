// The printable record's words in English and Dutch, written for a reader who never saw the lab.
import AnnolabCore

extension RecordPage {
    /// Every sentence and label of the certificate in one language.
    ///
    /// The words are plain (B1): a future employer reads them without knowing Annolab or
    /// data labelling, so the page says what the work was before it gives figures.
    struct Words: Sendable {
        var language: String
        var months: [String]
        var title: @Sendable (String) -> String
        var intro: @Sendable (_ name: String, _ lab: String, _ from: String, _ to: String) -> String
        var whatItIs: String
        var howItWorks: String
        var closed: @Sendable (_ name: String, _ day: String) -> String
        var summaryLabel: String
        var summaryName: String
        var summaryLab: String
        var summaryPeriod: String
        var summaryHours: String
        var summaryDays: String
        var period: @Sendable (_ from: String, _ to: String) -> String
        var hours: @Sendable (_ hours: Int, _ minutes: Int) -> String
        var hoursHeading: String
        var hoursText: @Sendable (_ total: String, _ days: Int) -> String
        var hoursCaption: String
        var month: String
        var days: String
        var paidTime: String
        var workHeading: String
        var workText: String
        var workCaption: String
        var kind: String
        var microtasks: String
        var clients: @Sendable (String) -> String
        var qualityHeading: String
        var qualityText: String
        var qualityCaption: String
        var answers: String
        var goldRight: String
        var agreement: String
        var notMeasured: String
        /// A share over the whole period, with the last three months beside it.
        var fromTo: @Sendable (_ overall: String, _ recent: String) -> String
        var skillsHeading: String
        var skillsText: String
        var skillsCaption: String
        var skill: String
        var whatItMeans: String
        var reachedOn: String
        var how: String
        var noSkills: String
        var via: [String: String]
        var next: @Sendable (_ step: String, _ done: Int, _ needed: Int, _ accuracy: String?, _ accuracyNeeded: String) -> String
        var trainingHeading: String
        var trainingText: String
        var trainingCaption: String
        var practiceQuestions: String
        var right: String
        var dates: String
        var result: String
        var passed: String
        var notYet: String
        var noTraining: String
        var pausesHeading: String
        var pauses: @Sendable (_ scheduled: Int, _ kept: Int, _ extra: Int) -> String
        var statementHeading: String
        var statementBy: @Sendable (_ coach: String?, _ written: String, _ agreed: String) -> String
        var aboutHeading: String
        var about: @Sendable (_ made: String, _ lab: String) -> String
        var kinds: [TaskKind: String]
    }

    static func words(for language: String) -> Words {
        language == "nl" ? .dutch : .english
    }
}

extension RecordPage.Words {
    static let english = RecordPage.Words(
        language: "en",
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        title: { "Work record of \($0)" },
        intro: { name, lab, from, to in "\(name) did paid data-labelling work for AI at \(lab) from \(from) to \(to)." },
        whatItIs: "Data labelling means describing pictures, sounds and videos so that computer systems (AI) can learn from them: for example checking subtitles, tagging sounds and drawing boxes in pictures.",
        howItWorks: "The work is done at a computer, in timed blocks with scheduled pauses. It is checked all the time: some questions have a known right answer, and several people answer the same question.",
        closed: { name, day in "\(name) worked at the lab until \(day)." },
        summaryLabel: "Summary",
        summaryName: "Name",
        summaryLab: "Lab",
        summaryPeriod: "Period",
        summaryHours: "Paid hours",
        summaryDays: "Days worked",
        period: { from, to in "\(from) to \(to)" },
        hours: { hours, minutes in hours == 0 ? "\(minutes) min" : minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min" },
        hoursHeading: "Hours worked",
        hoursText: { total, days in "In total \(total) of paid work on \(days) \(days == 1 ? "day" : "days"), as the lab's payroll counts it." },
        hoursCaption: "Paid working time per month",
        month: "Month",
        days: "Days",
        paidTime: "Paid time",
        workHeading: "Work done",
        workText: "A microtask is one small question, such as one subtitle to check or one picture to draw boxes in.",
        workCaption: "Kinds of work and how many microtasks of each were answered",
        kind: "Kind of work",
        microtasks: "Microtasks",
        clients: { "Clients worked for: \($0)." },
        qualityHeading: "Quality",
        qualityText: "Practice questions are questions with a known right answer, mixed into the work. Agreement means that the answer was the same as what the other people decided together. Both are shown for the whole period, and for the last three months when there were more.",
        qualityCaption: "Quality per kind of work: the whole period, and the last three months",
        answers: "Answers",
        goldRight: "Practice questions right",
        agreement: "Agreement with others",
        notMeasured: "not measured",
        fromTo: { overall, recent in "\(overall) (last 3 months: \(recent))" },
        skillsHeading: "Skills",
        skillsText: "The lab opens new kinds of work step by step, after enough good practice or when the coach decides.",
        skillsCaption: "Skills reached, with the date",
        skill: "Skill",
        whatItMeans: "What it means",
        reachedOn: "Reached on",
        how: "How",
        noSkills: "No skills reached yet.",
        via: ["practice": "after practice", "coach": "opened by the coach", "earlier": "by earlier work"],
        next: { step, done, needed, accuracy, accuracyNeeded in
            let right = accuracy.map { ", \($0) right" } ?? ""
            return "Now learning: \(step). Practice questions done: \(done) of \(needed)\(right) (\(accuracyNeeded) right needed)."
        },
        trainingHeading: "Training",
        trainingText: "Training is paid practice with feedback after each answer.",
        trainingCaption: "Practice rounds per skill",
        practiceQuestions: "Practice questions",
        right: "Right",
        dates: "Dates",
        result: "Result",
        passed: "passed",
        notYet: "not yet passed",
        noTraining: "No training done.",
        pausesHeading: "Pauses",
        pauses: { scheduled, kept, extra in
            "Scheduled pauses taken in full: \(kept) of \(scheduled). Extra pauses when needed: \(extra). Pauses keep the work good and the worker healthy."
        },
        statementHeading: "Statement from the coach",
        statementBy: { coach, written, agreed in
            let who = coach.map { "Written by \($0), coach, on \(written)." } ?? "Written by the coach on \(written)."
            return "\(who) Agreed by the worker on \(agreed)."
        },
        aboutHeading: "About this record",
        about: { made, lab in "This record was made on \(made) by \(lab) from what was recorded during the work. The same record, with every month in detail, is also available as a data file (JSON)." },
        kinds: [
            .audioTags: "Tagging sounds",
            .subtitleCheck: "Checking subtitles",
            .imageBoxVerify: "Checking boxes in pictures",
            .imageBoxes: "Drawing boxes in pictures",
            .frameBoxes: "Drawing boxes in video frames",
            .choice: "Choosing the right answer",
            .thumbnailChoice: "Choosing the best still picture of a video",
        ]
    )

    static let dutch = RecordPage.Words(
        language: "nl",
        months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        title: { "Werkoverzicht van \($0)" },
        intro: { name, lab, from, to in "\(name) deed betaald werk bij \(lab) van \(from) tot en met \(to): data labelen voor AI." },
        whatItIs: "Data labelen is beelden, geluiden en video's beschrijven, zodat computersystemen (AI) ervan kunnen leren: bijvoorbeeld ondertitels controleren, geluiden benoemen en kaders tekenen in foto's.",
        howItWorks: "Het werk gebeurt op een computer, in blokken met vaste pauzes. Het werk wordt steeds gecontroleerd: van sommige vragen is het goede antwoord bekend, en meerdere mensen beantwoorden dezelfde vraag.",
        closed: { name, day in "\(name) werkte bij het lab tot \(day)." },
        summaryLabel: "Samenvatting",
        summaryName: "Naam",
        summaryLab: "Lab",
        summaryPeriod: "Periode",
        summaryHours: "Betaalde uren",
        summaryDays: "Gewerkte dagen",
        period: { from, to in "\(from) tot en met \(to)" },
        hours: { hours, minutes in hours == 0 ? "\(minutes) min" : minutes == 0 ? "\(hours) uur" : "\(hours) uur \(minutes) min" },
        hoursHeading: "Gewerkte uren",
        hoursText: { total, days in "In totaal \(total) betaald werk op \(days) \(days == 1 ? "dag" : "dagen"), zoals de loonadministratie van het lab het telt." },
        hoursCaption: "Betaalde werktijd per maand",
        month: "Maand",
        days: "Dagen",
        paidTime: "Betaalde tijd",
        workHeading: "Gedaan werk",
        workText: "Een microtaak is één kleine vraag, zoals één ondertitel controleren of in één foto kaders tekenen.",
        workCaption: "Soorten werk en hoeveel microtaken van elke soort zijn beantwoord",
        kind: "Soort werk",
        microtasks: "Microtaken",
        clients: { "Gewerkt voor deze klanten: \($0)." },
        qualityHeading: "Kwaliteit",
        qualityText: "Oefenvragen zijn vragen waarvan het goede antwoord bekend is, tussen het gewone werk door. Overeenstemming betekent dat het antwoord hetzelfde was als wat de anderen samen besloten. Beide staan er voor de hele periode, en voor de laatste drie maanden als het er meer waren.",
        qualityCaption: "Kwaliteit per soort werk: de hele periode, en de laatste drie maanden",
        answers: "Antwoorden",
        goldRight: "Oefenvragen goed",
        agreement: "Overeenstemming met anderen",
        notMeasured: "niet gemeten",
        fromTo: { overall, recent in "\(overall) (laatste 3 maanden: \(recent))" },
        skillsHeading: "Vaardigheden",
        skillsText: "Het lab opent stap voor stap nieuwe soorten werk, na genoeg goede oefening of als de coach dat beslist.",
        skillsCaption: "Bereikte vaardigheden, met de datum",
        skill: "Vaardigheid",
        whatItMeans: "Wat het inhoudt",
        reachedOn: "Bereikt op",
        how: "Hoe",
        noSkills: "Nog geen vaardigheden bereikt.",
        via: ["practice": "na oefening", "coach": "geopend door de coach", "earlier": "door eerder werk"],
        next: { step, done, needed, accuracy, accuracyNeeded in
            let right = accuracy.map { ", \($0) goed" } ?? ""
            return "Leert nu: \(step). Oefenvragen gedaan: \(done) van \(needed)\(right) (\(accuracyNeeded) goed nodig)."
        },
        trainingHeading: "Training",
        trainingText: "Training is betaald oefenen, met uitleg na elk antwoord.",
        trainingCaption: "Oefenrondes per vaardigheid",
        practiceQuestions: "Oefenvragen",
        right: "Goed",
        dates: "Data",
        result: "Resultaat",
        passed: "gehaald",
        notYet: "nog niet gehaald",
        noTraining: "Geen training gedaan.",
        pausesHeading: "Pauzes",
        pauses: { scheduled, kept, extra in
            "Vaste pauzes helemaal genomen: \(kept) van de \(scheduled). Extra pauzes wanneer nodig: \(extra). Pauzes houden het werk goed en de werker gezond."
        },
        statementHeading: "Verklaring van de coach",
        statementBy: { coach, written, agreed in
            let who = coach.map { "Geschreven door \($0), coach, op \(written)." } ?? "Geschreven door de coach op \(written)."
            return "\(who) Goedgekeurd door de werker op \(agreed)."
        },
        aboutHeading: "Over dit overzicht",
        about: { made, lab in "Dit overzicht is op \(made) gemaakt door \(lab), uit wat tijdens het werk is vastgelegd. Hetzelfde overzicht, met elke maand in detail, is er ook als databestand (JSON)." },
        kinds: [
            .audioTags: "Geluiden benoemen",
            .subtitleCheck: "Ondertitels controleren",
            .imageBoxVerify: "Kaders in foto's controleren",
            .imageBoxes: "Kaders tekenen in foto's",
            .frameBoxes: "Kaders tekenen in beelden uit video",
            .choice: "Het goede antwoord kiezen",
            .thumbnailChoice: "Het beste stilstaande beeld van een video kiezen",
        ]
    )
}
