// The limits a programme is held to before the lab accepts it, and the limits of every ffmpeg run.

/// What the lab takes and how long and large its ffmpeg children may grow.
///
/// The defaults are the lab's published limits: a file past them is refused whole at upload,
/// before any preparation starts, so a hostile file costs one short ffprobe run at most.
public struct MediaLimits: Sendable {
    /// More streams than this is not a programme but a trap (each stream costs a decoder).
    public var maxStreams = 16
    /// The widest or tallest picture taken, in pixels.
    public var maxSide = 8192
    /// The most pixels in one picture (8K UHD).
    public var maxPixels = 8192 * 4320
    /// The longest programme taken, in seconds.
    public var maxSeconds: Double = 4 * 3600
    /// The time limit of one ffprobe run (and of the check that the end decodes).
    public var probeSeconds: Double = 30
    /// The time limit of one ffmpeg run that prepares a programme.
    public var workSeconds: Double = 3600
    /// The address-space limit of every child, so a hostile file cannot take the server's memory.
    public var memoryBytes = 2 << 30

    public init() {}
}
