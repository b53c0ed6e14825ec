// "Were the instructions clear?" in the text dialogue: one optional numbered line after a task, answered by its number.

extension TextDialogue {
    /// The question about a task just answered or skipped, asked with the numbers after the next
    /// task's own options, so that no answer to the task can be taken for it.
    struct RatingQuestion: Sendable, Equatable {
        var assignmentId: Int64
        var yes: Int
        var no: Int
    }

    /// How many numbered options the held task offers (none when there is no task).
    var optionCount: Int {
        guard let task else { return 0 }
        if task.kind == .imageBoxVerify { return AnswerBody.verifyOptions.count }
        return max(task.labels.count, task.payload.options?.count ?? 0)
    }

    /// Asks about the task that was just done, with numbers the next task does not use; the line
    /// goes with the reply that brings the next task, and the question holds for one input only.
    mutating func askRating(about assignmentId: Int64) -> String {
        let yes = optionCount + 1
        rating = RatingQuestion(assignmentId: assignmentId, yes: yes, no: yes + 1)
        return say("Were the instructions of the last task clear? Say \(yes) for yes, or \(yes + 1) for no.",
                   "Was de uitleg bij de vorige taak duidelijk? Zeg \(yes) voor ja, of \(yes + 1) voor nee.")
    }

    /// The answer to the question, when this input is one of its two numbers; any other input lets it go.
    mutating func answerRating(_ command: DialogueCommand?, lab: some DialogueLab) async -> DialogueReply? {
        guard let question = rating else { return nil }
        rating = nil
        guard case .numbers(let numbers) = command, numbers.count == 1,
              numbers[0] == question.yes || numbers[0] == question.no else { return nil }
        // Optional, so it never stands in the way: a rating the lab cannot keep is let go.
        try? await lab.rateInstructions(assignmentId: question.assignmentId, clear: numbers[0] == question.yes)
        return DialogueReply(lines: [say("Thank you.", "Dank je.")] + lastPrompt)
    }
}
