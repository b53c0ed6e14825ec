// The faster clock that lets browser tests watch a work block end.
import AnnolabCore
import Foundation
import Testing

@Suite("Scaled clock")
struct ScaledClockTests {
    @Test("lab time runs speed times faster than the wall clock from its origin")
    func runsFaster() {
        let origin = Date().addingTimeInterval(-2)   // two wall seconds ago
        let clock = ScaledClock(speed: 60, origin: origin)
        let labSeconds = clock.now().timeIntervalSince(origin)
        #expect(labSeconds >= 120 && labSeconds < 120 + 60 * 5, "two wall seconds are about two lab minutes")
        #expect(clock.speed == 60)
    }

    @Test("the real and the manual clock run at speed 1")
    func normalSpeed() {
        #expect(SystemClock().speed == 1)
        #expect(ManualClock(Date()).speed == 1)
    }
}
