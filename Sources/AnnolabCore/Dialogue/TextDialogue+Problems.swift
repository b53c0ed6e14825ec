// Plain words in the text dialogue for what the lab refused.

extension TextDialogue {
    /// Plain words for what the lab refused.
    func problem(_ error: LabError) -> [String] {
        switch error.code {
        case .leaseExpired, .assignmentClosed, .alreadyAnswered:
            return [say("This task was no longer yours, so the answer was not needed. Nothing is lost.",
                        "Deze taak was niet meer van jou, dus het antwoord was niet nodig. Er is niets verloren.")]
        case .blockOver, .pause:
            return [say("The work block has ended, so this answer could not be saved. It is pause time.",
                        "Het werkblok is voorbij, dus dit antwoord kon niet worden opgeslagen. Het is pauze.")]
        case .noShift:
            return [say("No shift is running. Say start to begin.", "Er loopt geen dienst. Zeg start om te beginnen.")]
        case .dailyCapReached:
            return [say("You have worked all your minutes for today. Well done. Work starts again tomorrow.",
                        "Je hebt al je minuten voor vandaag gewerkt. Goed gedaan. Morgen kun je weer werken.")]
        default:
            return [language == "en" ? spoken(error.message) : "Dat lukte niet. Probeer het nog eens, of vraag het je coach."]
        }
    }
}
