// What the text dialogue says about the shift: the phase and the minutes left.

extension TextDialogue {
    func status(_ shift: DialogueShift) -> [String] {
        func minutes(_ seconds: Double?) -> Int { Int(((seconds ?? 0) / 60).rounded(.up)) }
        switch shift.phase {
        case .off:
            return [say("Your shift has not started. Say start to begin.", "Je dienst is nog niet begonnen. Zeg start om te beginnen.")]
        case .ended:
            return [say("Your shift has ended. Well done.", "Je dienst is klaar. Goed gedaan.")]
        case .work:
            let left = minutes(shift.blockSecondsLeft)
            return [left == 1
                ? say("One minute left in this work block.", "Nog één minuut in dit werkblok.")
                : say("About \(left) minutes left in this work block.", "Nog ongeveer \(left) minuten in dit werkblok.")]
        case .pause:
            let left = minutes(shift.resumesInSeconds)
            return [say("It is pause time. Well done.", "Het is pauze. Goed gedaan."),
                    left == 1
                        ? say("Work starts again in one minute.", "Over één minuut begint het werk weer.")
                        : say("Work starts again in \(left) minutes.", "Over \(left) minuten begint het werk weer."),
                    say("Stand up, stretch, and drink some water.", "Sta even op, rek je uit en drink wat water.")]
        case .extraPause:
            return [say("You are on a pause. Say resume when you are ready.", "Je hebt pauze. Zeg verder als je klaar bent.")]
        }
    }
}
