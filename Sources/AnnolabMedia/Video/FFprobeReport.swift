// ffprobe's JSON (`-show_format -show_streams`) as far as the lab reads it, turned into a ProgrammeProbe.
import Foundation

/// The parts of ffprobe's report the lab needs. ffprobe writes most numbers as strings
/// ("12.480000", "44100", "30000/1001"), so they are read as strings and converted here.
struct FFprobeReport: Decodable {
    struct Format: Decodable {
        var format_name: String?
        var duration: String?
        var nb_streams: Int?
    }

    struct Stream: Decodable {
        struct Disposition: Decodable {
            var attached_pic: Int?
        }

        var index: Int
        var codec_type: String?
        var codec_name: String?
        var width: Int?
        var height: Int?
        var pix_fmt: String?
        var avg_frame_rate: String?
        var r_frame_rate: String?
        var sample_rate: String?
        var channels: Int?
        var duration: String?
        var disposition: Disposition?

        /// A cover picture (the album art of an MP3) is a video stream of one still, not a programme's picture.
        var isCoverPicture: Bool { disposition?.attached_pic == 1 }
    }

    var format: Format?
    var streams: [Stream]?

    /// Subtitle codecs that are text, so they can become WebVTT; pictures of text (DVD, PGS) cannot.
    static let textSubtitleCodecs: Set<String> = ["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"]

    /// "30000/1001" or "25" as a number; nil for "0/0" and nonsense.
    static func rate(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard let top = parts.first.flatMap({ Double($0) }) else { return nil }
        let bottom = parts.count > 1 ? (Double(parts[1]) ?? 0) : 1
        guard bottom > 0 else { return nil }
        let value = top / bottom
        return value.isFinite && value > 0 ? value : nil
    }

    /// The length: the container's, or else the longest stream's (some raw streams only know their own).
    var duration: Double? {
        if let text = format?.duration, let seconds = Double(text), seconds.isFinite, seconds > 0 { return seconds }
        let streamSeconds = (streams ?? []).compactMap { $0.duration.flatMap(Double.init) }.filter { $0.isFinite && $0 > 0 }
        return streamSeconds.max()
    }

    /// The programme's picture: the first video stream that is not a cover picture.
    var videoStream: Stream? {
        streams?.first { $0.codec_type == "video" && !$0.isCoverPicture }
    }

    var audioStream: Stream? {
        streams?.first { $0.codec_type == "audio" }
    }

    /// The probe, with `duration` already checked by the caller.
    func probe(duration: Double) -> ProgrammeProbe {
        let formatName = format?.format_name ?? ""
        let video = videoStream.map { stream in
            // avg_frame_rate is the true rate; r_frame_rate is a guess that Matroska sets to its time base.
            // A picture without a rate (one still) counts 25 frames a second, so frame numbers stay defined.
            let rate = Self.rate(stream.avg_frame_rate).flatMap { $0 <= 1000 ? $0 : nil }
                ?? Self.rate(stream.r_frame_rate).flatMap { $0 <= 1000 ? $0 : nil } ?? 25
            return VideoStream(codec: stream.codec_name ?? "", width: stream.width ?? 0, height: stream.height ?? 0,
                               frameRate: rate, pixelFormat: stream.pix_fmt ?? "")
        }
        let audio = audioStream.map { stream in
            AudioStream(codec: stream.codec_name ?? "", sampleRate: Int(stream.sample_rate ?? "") ?? 0,
                        channels: stream.channels ?? 0)
        }
        let subtitles = (streams ?? []).filter {
            $0.codec_type == "subtitle" && Self.textSubtitleCodecs.contains($0.codec_name ?? "")
        }.map(\.index)
        let containerPlays = formatName.split(separator: ",").contains { $0 == "mp4" || $0 == "mov" }
        let videoPlays = video.map { $0.codec == "h264" && $0.pixelFormat == "yuv420p" } ?? true
        let audioPlays = audio.map { ["aac", "mp3"].contains($0.codec) } ?? true
        return ProgrammeProbe(
            format: formatName, duration: duration, streamCount: max(format?.nb_streams ?? 0, streams?.count ?? 0),
            video: video, audio: audio, subtitleStreams: subtitles,
            playsInBrowser: containerPlays && videoPlays && audioPlays)
    }
}
