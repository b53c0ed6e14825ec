// What ffprobe found in a programme: its container, length, picture, sound and subtitle tracks.

/// The picture stream of a programme (not a cover picture).
public struct VideoStream: Sendable, Equatable, Codable {
    public var codec: String
    public var width: Int
    public var height: Int
    /// Frames a second, from `avg_frame_rate` (or `r_frame_rate` when that is missing).
    public var frameRate: Double
    /// The pixel format (`yuv420p`), which decides whether a browser can play the stream as it is.
    public var pixelFormat: String

    public init(codec: String, width: Int, height: Int, frameRate: Double, pixelFormat: String = "yuv420p") {
        self.codec = codec
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.pixelFormat = pixelFormat
    }
}

/// The first sound stream of a programme.
public struct AudioStream: Sendable, Equatable, Codable {
    public var codec: String
    public var sampleRate: Int
    public var channels: Int

    public init(codec: String, sampleRate: Int, channels: Int) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// A programme as ffprobe describes it, kept with the item so that frame numbers and the
/// choice between remuxing and transcoding need no second look at the file.
public struct ProgrammeProbe: Sendable, Equatable, Codable {
    /// ffprobe's `format_name`, such as `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`.
    public var format: String
    /// Seconds.
    public var duration: Double
    public var streamCount: Int
    public var video: VideoStream?
    public var audio: AudioStream?
    /// Stream indexes of the text subtitle tracks (subrip, ass, mov_text, webvtt).
    public var subtitleStreams: [Int]
    /// True when a browser plays the file as it is: an MP4/MOV container, H.264 in 8-bit 4:2:0
    /// (or no picture) and AAC or MP3 (or no sound). Such a file is only remuxed, never transcoded.
    public var playsInBrowser: Bool

    public init(format: String, duration: Double, streamCount: Int, video: VideoStream?, audio: AudioStream?,
                subtitleStreams: [Int], playsInBrowser: Bool) {
        self.format = format
        self.duration = duration
        self.streamCount = streamCount
        self.video = video
        self.audio = audio
        self.subtitleStreams = subtitleStreams
        self.playsInBrowser = playsInBrowser
    }

    /// The frame shown at `seconds`: round(seconds x frame rate); 0 for a programme without picture.
    public func frameNumber(at seconds: Double) -> Int {
        guard let rate = video?.frameRate, rate > 0, seconds.isFinite, seconds > 0 else { return 0 }
        return Int((seconds * rate).rounded())
    }
}

/// One still taken from a programme, written as `frame-000123.jpg` (the frame number) in a folder.
public struct VideoFrame: Sendable, Equatable, Codable {
    /// The JPEG's name in its folder.
    public var file: String
    public var frame: Int
    /// Seconds from the start of the programme.
    public var time: Double
    public var width: Int
    public var height: Int

    public init(file: String, frame: Int, time: Double, width: Int, height: Int) {
        self.file = file
        self.frame = frame
        self.time = time
        self.width = width
        self.height = height
    }
}
