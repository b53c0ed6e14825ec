// The work rhythm a coach agrees with an operator is checked against humane bounds.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Work profiles agreed with a coach")
struct WorkProfileTests {
    static func refusal(_ profile: WorkProfile) -> LabError? {
        labRefusal { try profile.validate() }
    }

    @Test("the lab's default is 45 minutes of work, 15 of pause, a shift of 4 hours, and it is valid")
    func standard() throws {
        let profile = WorkProfile()
        #expect(profile == WorkProfile(workMinutes: 45, pauseMinutes: 15, shiftMinutes: 240, dailyCapMinutes: 240))
        try profile.validate()
    }

    @Test("profiles like 25/5 and 20/10 are accepted", arguments: [(25, 5), (20, 10), (5, 5), (120, 60)])
    func gentlerRhythms(work: Int, pause: Int) throws {
        try WorkProfile(workMinutes: work, pauseMinutes: pause).validate()
    }

    @Test("a work block outside 5 to 120 minutes is refused with a sentence that says what to choose")
    func workBounds() {
        let long = Self.refusal(WorkProfile(workMinutes: 121))
        #expect(long?.code == "invalid_profile")
        #expect(long?.kind == .unprocessable)
        #expect(long?.message == "A work block of 121 minutes is not allowed. Choose from 5 to 120 minutes.")
        #expect(Self.refusal(WorkProfile(workMinutes: 4))?.code == "invalid_profile")
        #expect(Self.refusal(WorkProfile(workMinutes: 120, pauseMinutes: 15)) == nil)
    }

    @Test("a shift of several blocks needs pauses of at least 5 minutes")
    func noPauseRefused() {
        let error = Self.refusal(WorkProfile(workMinutes: 45, pauseMinutes: 0))
        #expect(error?.code == "invalid_profile")
        #expect(error?.message.contains("at least 5 minutes") == true)
        #expect(Self.refusal(WorkProfile(workMinutes: 45, pauseMinutes: 4)) != nil)
        // A shift that is one work block has no pause to schedule.
        #expect(Self.refusal(WorkProfile(workMinutes: 30, pauseMinutes: 0, shiftMinutes: 30, dailyCapMinutes: 30)) == nil)
    }

    @Test("pause, shift and cap have bounds too")
    func otherBounds() {
        #expect(Self.refusal(WorkProfile(pauseMinutes: 61))?.message == "A pause of 61 minutes is not allowed. Choose from 0 to 60 minutes.")
        #expect(Self.refusal(WorkProfile(shiftMinutes: 601))?.message == "A shift of 601 minutes is not allowed. Choose from 15 to 600 minutes.")
        #expect(Self.refusal(WorkProfile(shiftMinutes: 14)) != nil)
        #expect(Self.refusal(WorkProfile(dailyCapMinutes: 0))?.message == "A daily cap of 0 minutes of work is not allowed. Choose from 15 to 600 minutes.")
        #expect(Self.refusal(WorkProfile(dailyCapMinutes: 600)) == nil)
    }

    @Test("a stored profile missing a field takes the default for it")
    func decodingFillsDefaults() throws {
        let profile = try JSONDecoder().decode(WorkProfile.self, from: Data(#"{"workMinutes": 25, "pauseMinutes": 5}"#.utf8))
        #expect(profile == WorkProfile(workMinutes: 25, pauseMinutes: 5, shiftMinutes: 240, dailyCapMinutes: 240))
        let back = try JSONDecoder().decode(WorkProfile.self, from: JSONEncoder().encode(profile))
        #expect(back == profile)
    }
}
