// What the text dialogue says about the skill ladder: the work open to the operator, and what is next.

extension TextDialogue {
    func ladderLines(_ ladder: DialogueLadder?) -> [String] {
        guard let ladder else {
            return [say("This lab has no skill ladder: all work is open to you.", "Dit lab heeft geen leerladder: al het werk staat voor je open.")]
        }
        var lines: [String] = []
        if !ladder.reached.isEmpty {
            let list = ladder.reached.joined(separator: ", ")
            lines.append(say("You can do: \(list).", "Je kunt: \(list)."))
        }
        guard let next = ladder.next else {
            lines.append(say("You reached the top of the ladder. Well done.", "Je bent boven aan de ladder. Goed gedaan."))
            return lines
        }
        lines.append(say("Next to learn: \(next).", "Wat je nu kunt leren: \(next)."))
        lines.append(say("Practice questions done: \(ladder.practiceDone) of \(ladder.practiceNeeded).",
                         "Oefenvragen gedaan: \(ladder.practiceDone) van de \(ladder.practiceNeeded)."))
        if let right = ladder.percentRight {
            lines.append(say("\(right) percent right; \(ladder.percentNeeded) percent opens the step.",
                             "\(right) procent goed; bij \(ladder.percentNeeded) procent gaat de stap open."))
        } else {
            lines.append(say("Practice questions come with your work, with a tip after each one.",
                             "Oefenvragen komen tussen je werk door, met een tip na elke vraag."))
        }
        return lines
    }
}
