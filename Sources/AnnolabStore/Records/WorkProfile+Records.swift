// A stored shift's or operator profile's work rhythm as Core's WorkProfile: written once.
import AnnolabCore

extension WorkProfile {
    /// The rhythm a shift was started with; it stays that shift's, whatever the profile says later.
    ///
    /// ```swift
    /// let timeline = ShiftTimeline(startedAt: shift.startedAt, profile: WorkProfile(shift), extraPauses: pauses, endedAt: shift.endedAt)
    /// ```
    public init(_ shift: Shift) {
        self.init(workMinutes: shift.workMinutes, pauseMinutes: shift.pauseMinutes,
                  shiftMinutes: shift.shiftMinutes, dailyCapMinutes: shift.dailyCapMinutes)
    }

    /// The rhythm an operator's next shift starts with.
    public init(_ profile: OperatorProfile) {
        self.init(workMinutes: profile.workMinutes, pauseMinutes: profile.pauseMinutes,
                  shiftMinutes: profile.shiftMinutes, dailyCapMinutes: profile.dailyCapMinutes)
    }
}
