// The demo lab's skill ladder: on, with the steps its coach opened for the demo's operators.
import AnnolabCore
import AnnolabStore
import Foundation

extension DemoLab {
    /// Turns the ladder on in a new demo lab. The demo's operators have worked here a while:
    /// the coach opened every working step for them, and each can practise for reviewer.
    /// Also names the lab on the operators' records.
    static func openDemoSkills(store: any LabStoring, ladder: SkillLadder?) async throws {
        try await store.setLabSetting(RecordBuilder.labKey, json: #"{"name":"Annolab demo lab","place":"Utrecht","showClients":false}"#,
                                      actor: nil)
        guard let ladder else { return }
        let people = try await store.allUsers()
        guard let coach = people.first(where: { $0.role == .coach })?.id else { return }
        let now = Date()
        for person in people where person.role == .operator {
            guard let id = person.id else { continue }
            for step in ladder.steps where !step.isAlwaysOpen && step.reviews != true {
                try await store.openSkill(operatorId: id, step: step.id, via: "coach", by: coach, at: now)
            }
        }
        try await store.setLabSetting(LabStore.ladderSettingKey, json: #"{"enabled":true}"#, actor: nil)
    }
}
