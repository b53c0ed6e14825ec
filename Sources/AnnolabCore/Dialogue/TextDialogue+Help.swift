// The text dialogue's help: what the operator can say at this step.

extension TextDialogue {
    func help() -> [String] {
        var lines: [String] = []
        switch step {
        case .cue, .cueProblem:
            lines.append(say("Say yes if the subtitle is right, no if it is not, or the number of a verdict.",
                             "Zeg ja als de ondertitel klopt, nee als hij niet klopt, of het nummer van een oordeel."))
        case .correction:
            lines.append(say("Say or type the right text, or say none.", "Zeg of typ de goede tekst, of zeg geen."))
        case .tags:
            lines.append(say("Say the numbers of the sounds you hear, for example 1 and 3.",
                             "Zeg de nummers van de geluiden die je hoort, bijvoorbeeld 1 en 3."))
        case .choice:
            lines.append(say("Say the number of your answer.", "Zeg het nummer van je antwoord."))
        case .idle: break
        }
        lines.append(say("You can say: play, repeat, skip, pause, resume, time, learn, start and stop.",
                         "Je kunt zeggen: speel, herhaal, overslaan, pauze, verder, tijd, leren, start en stop."))
        lines.append(say("Say Nederlands for Dutch.", "Zeg English voor Engels."))
        return lines
    }
}
