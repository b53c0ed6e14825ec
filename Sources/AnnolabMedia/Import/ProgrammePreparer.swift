// Prepares an uploaded programme for work: its web version, sound and frames, cut into microtasks.
import AnnolabCore
import Foundation

/// Turns a probed programme in its item folder into microtasks, by the project's template:
///
/// - subtitle-check: the web version (`programme.mp4`), the sound (`sound.wav`), one window of
///   cues per microtask with its stretch of the programme and of the sound (`window-N.wav`);
/// - audio-tags: the sound as clips (`clip-N.wav`), as a WAV upload is cut;
/// - thumbnail-choice: candidate frames (`frame-NNNNNN.jpg`), 3 or 4 to a choice;
/// - frame-boxes: keyframes, one image-boxes microtask each.
///
/// It writes only into `folder`, and can run again from the start after a stop.
public struct ProgrammePreparer: Sendable {
    public var projectId: Int64
    public var kind: TaskKind
    public var template: TaskTemplate?
    public var subtitleRules: SubtitleRuleSettings
    public var ffmpeg: FFmpeg

    public init(projectId: Int64, kind: TaskKind, template: TaskTemplate?, subtitleRules: SubtitleRuleSettings = SubtitleRuleSettings(),
                ffmpeg: FFmpeg = FFmpeg()) {
        self.projectId = projectId
        self.kind = kind
        self.template = template
        self.subtitleRules = subtitleRules
        self.ffmpeg = ffmpeg
    }

    /// One microtask made from a programme, with the media files it shows beyond its `image`,
    /// `audio` and `video` (the frames of a choice), for media access.
    public struct Made: Sendable {
        public var microtask: PreparedItem.PreparedMicrotask
        public var media: [String]
    }

    /// The name of the programme as uploaded, in the item folder.
    public static func originalName(for fileName: String) -> String {
        "original.\((fileName as NSString).pathExtension.lowercased())"
    }

    /// The subtitle file uploaded with a programme, in the item folder.
    public static let subtitleNames = ["subtitles.srt", "subtitles.vtt"]

    public func prepare(folder: URL, mediaPath: String, original: String, probe: ProgrammeProbe,
                        progress: @escaping @Sendable (Double) -> Void) async throws -> [Made] {
        let source = folder.appendingPathComponent(original)
        let url = { (file: String) in "/media/\(mediaPath)/\(file)" }
        let seconds = template?.estimatedSeconds ?? 20
        switch kind {
        case .subtitleCheck:
            return try await subtitleWindows(folder: folder, source: source, probe: probe, url: url, progress: progress)
        case .audioTags:
            let sound = try await soundFile(folder: folder, source: source, probe: probe)
            progress(0.8)
            let settings = template?.audio
            let clips = try AudioClips.make(duration: sound.duration, length: settings?.clipSeconds ?? 10,
                                            shortestLastPiece: settings?.minTailSeconds ?? 2)
            return try clips.map { clip in
                let file = "clip-\(clip.index + 1).wav"
                try sound.slice(from: clip.start, to: clip.end).write(to: folder.appendingPathComponent(file), options: .atomic)
                return Made(microtask: .init(payload: MicrotaskPayload(audio: .init(url: url(file), start: clip.start, end: clip.end)),
                                             estimatedSeconds: seconds), media: [])
            }
        case .thumbnailChoice:
            let count = template?.frames?.candidates ?? 12, perTask = template?.frames?.framesPerTask ?? 4
            let frames = try await ffmpeg.thumbnailCandidates(of: source, probe: probe, into: folder, count: count)
            progress(0.9)
            guard frames.count >= 3 else {
                throw LabError(.unprocessable, "too_few_frames",
                               "The programme has \(frames.count) clear, different pictures; a thumbnail choice needs at least 3.")
            }
            return Self.groups(of: frames.count, size: perTask).map { range in
                let shown = frames[range].map { frame in
                    MicrotaskPayload.Frame(id: (frame.file as NSString).deletingPathExtension, url: url(frame.file), width: frame.width,
                                           height: frame.height, frame: frame.frame, time: frame.time)
                }
                return Made(microtask: .init(payload: MicrotaskPayload(options: shown.map(\.id), frames: shown), estimatedSeconds: seconds),
                            media: shown.map(\.url))
            }
        case .frameBoxes:
            let frames = try await ffmpeg.keyframes(of: source, probe: probe, into: folder, maxGap: template?.frames?.maxGapSeconds ?? 10)
            progress(0.9)
            return frames.map { frame in
                Made(microtask: .init(payload: MicrotaskPayload(
                    image: .init(url: url(frame.file), width: frame.width, height: frame.height),
                    frame: .init(number: frame.frame, time: frame.time)), estimatedSeconds: seconds), media: [])
            }
        case .imageBoxes, .imageBoxVerify, .choice:
            throw LabError(.unprocessable, "wrong_file_for_project", "This project cannot use programmes.")
        }
    }

    /// Splits `count` frames into choices of 3 to `size` frames (10 frames in fours: 4, 3, 3). When
    /// no such split takes them all (5 frames in fours), the last frames are left out (4).
    static func groups(of count: Int, size: Int) -> [Range<Int>] {
        let smallest = 3
        guard count >= smallest, size >= smallest else { return [] }
        var groupCount = (count + size - 1) / size
        var used = count
        if smallest * groupCount > count {
            groupCount = count / size
            used = groupCount * size
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for n in 0..<groupCount {
            let length = used / groupCount + (n < used % groupCount ? 1 : 0)
            ranges.append(start..<start + length)
            start += length
        }
        return ranges
    }

    func soundFile(folder: URL, source: URL, probe: ProgrammeProbe) async throws -> WaveSound {
        guard probe.audio != nil else {
            throw LabError(.unprocessable, "media_no_sound", "The programme has no sound to listen to.")
        }
        let target = folder.appendingPathComponent("sound.wav")
        try await ffmpeg.sound(of: source, to: target)
        return try WaveSound(contentsOf: target)
    }

    func subtitleWindows(folder: URL, source: URL, probe: ProgrammeProbe, url: (String) -> String,
                         progress: @escaping @Sendable (Double) -> Void) async throws -> [Made] {
        var subtitleURL = Self.subtitleNames.map { folder.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
        if subtitleURL == nil, let track = probe.subtitleStreams.first {
            let target = folder.appendingPathComponent("subtitles-track.vtt")
            try await ffmpeg.subtitleTrack(of: source, stream: track, to: target)
            subtitleURL = target
        }
        guard let subtitleURL else {
            throw LabError(.unprocessable, "programme_without_subtitles", "The programme came without subtitles to check.")
        }
        let subtitles = try SubtitleFile.parse(try Data(contentsOf: subtitleURL), fileName: subtitleURL.lastPathComponent)
        var video: String?
        if probe.video != nil {
            try await ffmpeg.webVersion(of: source, probe: probe, to: folder.appendingPathComponent("programme.mp4")) { part in
                progress(part * 0.8)
            }
            video = url("programme.mp4")
        }
        let sound = probe.audio == nil ? nil : try await soundFile(folder: folder, source: source, probe: probe)
        progress(0.9)
        let settings = template?.subtitles
        let windows = try SubtitleWindows.make(from: subtitles.cues, maximumCues: settings?.windowCues ?? 4,
                                               maximumSpan: settings?.windowMaxSeconds ?? 30)
        let report = SubtitleChecker(settings: subtitleRules).check(subtitles)
        let seconds = template?.estimatedSeconds ?? 20
        return try windows.enumerated().map { n, window in
            let cues = subtitles.cues[window.cueRange].map { cue in
                let findings = report.findings(forCue: cue.index)
                return MicrotaskPayload.Cue(index: cue.index, start: cue.start, end: cue.end, text: cue.plainText,
                                            findings: findings.isEmpty ? nil : findings)
            }
            var payload = MicrotaskPayload(cues: cues)
            if let sound, window.start < sound.duration {
                let end = min(window.end, sound.duration), file = "window-\(n + 1).wav"
                try sound.slice(from: window.start, to: end).write(to: folder.appendingPathComponent(file), options: .atomic)
                payload.audio = .init(url: url(file), start: window.start, end: end)
            }
            if let video {
                payload.video = .init(url: video, start: window.start, end: min(window.end, max(probe.duration, window.start)))
            }
            return Made(microtask: .init(payload: payload, estimatedSeconds: min(60, max(seconds, cues.count * 10))), media: [])
        }
    }
}
