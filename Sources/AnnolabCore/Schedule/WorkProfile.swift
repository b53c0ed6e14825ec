// The rhythm of work and pause an operator agreed with their coach, and the bounds that keep it humane.
import Foundation

/// How long an operator works before a pause, how long the pause is, how long a shift lasts,
/// and how many minutes of work a day is the most.
///
/// ```swift
/// let profile = WorkProfile(workMinutes: 25, pauseMinutes: 5)   // shift 240, cap 240
/// try profile.validate()
/// ```
///
/// The bounds (checked by ``validate()``), and why:
/// - `workMinutes` 5...120: a block shorter than 5 minutes leaves no time to settle into a task;
///   longer than two hours without a break is not humane.
/// - `pauseMinutes` 0...60, and at least 5 whenever the shift has more than one work block:
///   a pause of 0 only makes sense when the whole shift is a single work block, otherwise the
///   "pauses" would be invisible and work would run on without a break. A pause longer than an
///   hour stretches the day without protecting anyone; the operator can always take an extra pause.
/// - `shiftMinutes` 15...600: a quarter of an hour at least; 10 hours is the longest day the lab
///   plans for anyone (Dutch law allows 12, which is too long for this work).
/// - `dailyCapMinutes` 15...600: the most minutes of work (not pauses) in one day.
public struct WorkProfile: Codable, Sendable, Equatable, Hashable {
    public var workMinutes: Int
    public var pauseMinutes: Int
    public var shiftMinutes: Int
    public var dailyCapMinutes: Int

    public static let workRange = 5...120
    public static let pauseRange = 0...60
    /// The shortest pause when a shift has more than one work block.
    public static let shortestPauseBetweenBlocks = 5
    public static let shiftRange = 15...600
    public static let dailyCapRange = 15...600

    /// The lab's default: 45 minutes of work, 15 of pause, a shift of 4 hours.
    public static let standard = WorkProfile()

    public init(workMinutes: Int = 45, pauseMinutes: Int = 15, shiftMinutes: Int = 240, dailyCapMinutes: Int = 240) {
        self.workMinutes = workMinutes
        self.pauseMinutes = pauseMinutes
        self.shiftMinutes = shiftMinutes
        self.dailyCapMinutes = dailyCapMinutes
    }

    /// A stored profile may predate a field; a missing field takes the lab's default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let standard = WorkProfile()
        workMinutes = try c.decodeIfPresent(Int.self, forKey: .workMinutes) ?? standard.workMinutes
        pauseMinutes = try c.decodeIfPresent(Int.self, forKey: .pauseMinutes) ?? standard.pauseMinutes
        shiftMinutes = try c.decodeIfPresent(Int.self, forKey: .shiftMinutes) ?? standard.shiftMinutes
        dailyCapMinutes = try c.decodeIfPresent(Int.self, forKey: .dailyCapMinutes) ?? standard.dailyCapMinutes
    }

    /// Throws `invalid_profile` with a sentence that names the field and the values allowed.
    public func validate() throws {
        func refuse(_ message: String) -> LabError {
            LabError(.unprocessable, "invalid_profile", message)
        }
        guard Self.workRange.contains(workMinutes) else {
            throw refuse("A work block of \(workMinutes) minutes is not allowed. Choose from \(Self.workRange.lowerBound) to \(Self.workRange.upperBound) minutes.")
        }
        guard Self.pauseRange.contains(pauseMinutes) else {
            throw refuse("A pause of \(pauseMinutes) minutes is not allowed. Choose from \(Self.pauseRange.lowerBound) to \(Self.pauseRange.upperBound) minutes.")
        }
        guard Self.shiftRange.contains(shiftMinutes) else {
            throw refuse("A shift of \(shiftMinutes) minutes is not allowed. Choose from \(Self.shiftRange.lowerBound) to \(Self.shiftRange.upperBound) minutes.")
        }
        guard Self.dailyCapRange.contains(dailyCapMinutes) else {
            throw refuse("A daily cap of \(dailyCapMinutes) minutes of work is not allowed. Choose from \(Self.dailyCapRange.lowerBound) to \(Self.dailyCapRange.upperBound) minutes.")
        }
        if shiftMinutes > workMinutes && pauseMinutes < Self.shortestPauseBetweenBlocks {
            throw refuse("A shift of \(shiftMinutes) minutes has more than one work block, so it needs pauses of at least \(Self.shortestPauseBetweenBlocks) minutes. Choose a longer pause, or a shift no longer than one work block of \(workMinutes) minutes.")
        }
    }
}
