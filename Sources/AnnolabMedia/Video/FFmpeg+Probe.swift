// Probing an uploaded programme: read by ffprobe, held to the lab's limits, its end decoded.
import AnnolabCore
import Foundation

extension FFmpeg {
    /// Reads a programme with ffprobe and refuses it, with a reason a newsroom understands, when
    /// it breaks a limit or is damaged. Runs inside the upload request, so it reads headers and
    /// decodes only the last second and a half: a few tenths of a second even for an hour.
    ///
    /// - Throws: `LabError(.unprocessable, ...)` with `media_unreadable`, `media_cut_off`,
    ///   `media_no_streams`, `media_too_long`, `media_picture_too_large` or `media_too_many_streams`.
    public func probe(_ file: URL) async throws -> ProgrammeProbe {
        let child = try await runChild(ffprobePath, ["-hide_banner", "-v", "error",
            "-print_format", "json", "-show_format", "-show_streams", Self.fileArgument(file),
        ], seconds: limits.probeSeconds, outputLimit: 8 << 20)
        if child.timedOut {
            throw LabError(.unprocessable, "media_unreadable", "The file could not be read in \(Int(limits.probeSeconds)) seconds.")
        }
        guard child.succeeded, let report = try? JSONDecoder().decode(FFprobeReport.self, from: Data(child.output)) else {
            // An MP4 keeps its index (the `moov` box) apart from the pictures; without it nothing plays.
            // ffprobe says the same of any file named .mp4, so the file must also start as an MP4 does.
            if child.errorLines.contains(where: { $0.contains("moov atom not found") }), Self.startsLikeMP4(file) {
                throw LabError(.unprocessable, "media_cut_off", "The file is cut off: its index is missing, so it cannot be played.")
            }
            // ffmpeg will not even open a picture past about 16000 pixels a side; that is still a size to name.
            if let size = child.errorLines.lazy.compactMap(Self.refusedPictureSize).first {
                throw pictureTooLarge(width: size.width, height: size.height)
            }
            throw LabError(.unprocessable, "media_unreadable", "The file is not a video or sound file the lab can read.")
        }
        let probe = try check(report)
        try await checkEndDecodes(file, probe: probe)
        return probe
    }

    /// Holds the report to the limits, in the order that names the worst problem first.
    func check(_ report: FFprobeReport) throws -> ProgrammeProbe {
        let streams = report.streams ?? []
        let streamCount = max(report.format?.nb_streams ?? 0, streams.count)
        if streamCount > limits.maxStreams {
            throw LabError(.unprocessable, "media_too_many_streams",
                           "The file holds \(streamCount) streams; at most \(limits.maxStreams) are taken.")
        }
        if report.videoStream == nil && report.audioStream == nil {
            throw LabError(.unprocessable, "media_no_streams", "The file holds neither a picture nor sound.")
        }
        for stream in streams where stream.codec_type == "video" {
            let width = stream.width ?? 0, height = stream.height ?? 0
            if width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels {
                throw pictureTooLarge(width: width, height: height)
            }
        }
        guard let duration = report.duration else {
            throw LabError(.unprocessable, "media_unreadable", "The length of the programme cannot be read.")
        }
        if duration > limits.maxSeconds {
            throw LabError(.unprocessable, "media_too_long",
                           "The programme lasts \(Self.spokenLength(duration)); at most \(Self.spokenLength(limits.maxSeconds)) fit.")
        }
        return report.probe(duration: duration)
    }

    func pictureTooLarge(width: Int, height: Int) -> LabError {
        LabError(.unprocessable, "media_picture_too_large",
                 "The picture is \(width) by \(height) pixels; at most \(limits.maxSide) pixels a side and \(Self.megapixels(limits.maxPixels)) megapixels are taken.")
    }

    /// The size in ffmpeg's "Picture size 16384x16384 is invalid", the words it uses when it refuses one.
    static func refusedPictureSize(_ line: String) -> (width: Int, height: Int)? {
        guard let start = line.range(of: "Picture size "), let end = line.range(of: " is invalid", range: start.upperBound..<line.endIndex)
        else { return nil }
        let sides = line[start.upperBound..<end.lowerBound].split(separator: "x").compactMap { Int($0) }
        return sides.count == 2 ? (sides[0], sides[1]) : nil
    }

    /// Decodes the last second and a half (or two frames of a slow slide show). A file cut off in
    /// transfer often keeps a header that promises the full length (Matroska, an MP4 with its index
    /// in front), so only decoding the end shows that the pictures and sound are really there.
    func checkEndDecodes(_ file: URL, probe: ProgrammeProbe) async throws {
        let window = max(1.5, 2 / (probe.video?.frameRate ?? 25))
        let start = max(0, probe.duration - window)
        var arguments = Self.quiet + ["-ss", String(format: "%.3f", start), "-i", Self.fileArgument(file), "-t", String(format: "%.3f", window)]
        if probe.video != nil { arguments += ["-map", "0:V:0?"] }
        if probe.audio != nil { arguments += ["-map", "0:a:0?"] }
        arguments += ["-progress", "pipe:1", "-nostats", "-f", "null", "-"]
        let child = try await runChild(ffmpegPath, arguments, seconds: limits.probeSeconds)
        if child.timedOut {
            throw LabError(.unprocessable, "media_unreadable", "The end of the file could not be read in \(Int(limits.probeSeconds)) seconds.")
        }
        let progress = Self.lastProgress(child.output)
        let decodedSomething = (progress["frame"].flatMap { Int($0) } ?? 0) > 0 || (progress["out_time_us"].flatMap { Int64($0) } ?? 0) > 0
        if !child.succeeded || !decodedSomething {
            throw LabError(.unprocessable, "media_cut_off", "The file is cut off: its last seconds cannot be played.")
        }
    }

    /// True when the file opens with an MP4 box (`ftyp`, or `mdat`, `free`, `wide`, `skip` in old files).
    static func startsLikeMP4(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 8), head.count == 8 else { return false }
        return ["ftyp", "mdat", "free", "wide", "skip"].contains(String(decoding: head.suffix(4), as: UTF8.self))
    }

    /// The last value of each key in ffmpeg's `-progress` output (`key=value` lines).
    static func lastProgress(_ output: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    /// "20 hours", "4 hours", "3 hours 20 minutes", "45 minutes", "12 seconds".
    static func spokenLength(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let hours = total / 3600, minutes = (total % 3600) / 60
        func unit(_ count: Int, _ name: String) -> String { "\(count) \(name)\(count == 1 ? "" : "s")" }
        if hours > 0 { return minutes > 0 ? "\(unit(hours, "hour")) \(unit(minutes, "minute"))" : unit(hours, "hour") }
        if minutes > 0 { return unit(minutes, "minute") }
        return unit(total, "second")
    }

    static func megapixels(_ pixels: Int) -> String {
        String(format: "%.1f", Double(pixels) / 1_000_000)
    }
}
