// Thumbnail candidates and keyframes: which of the extracted frames a project gets.
import AnnolabCore
import Foundation

extension FFmpeg {
    /// Up to `count` frames worth offering as the programme's thumbnail, spread over the programme.
    ///
    /// Candidates are the frames at cuts (scene score above ``sceneThreshold``), the first frame
    /// after one second, and a frame every `duration / (2 x count)` seconds (at least 0.5 s) without
    /// a cut, so a programme of one long shot still offers the moments in it that look different.
    /// Left out: black frames (``FrameLook/blackLuma``), blurred or flat ones
    /// (``FrameLook/blurVariance``) and near-duplicates of a frame already kept
    /// (``FrameLook/duplicateBits``). Frames at cuts are kept before the others, and the rest are
    /// taken evenly over time. A single shot of the moving test picture gives one candidate: its
    /// frames differ only in small moving marks, so they are near-duplicates.
    public func thumbnailCandidates(of source: URL, probe: ProgrammeProbe, into folder: URL, count: Int) async throws -> [VideoFrame] {
        try Self.requirePicture(probe)
        guard count > 0 else { return [] }
        let work = Self.workFolder(in: folder)
        defer { try? FileManager.default.removeItem(at: work) }
        let interval = max(0.5, probe.duration / Double(2 * count))
        // The first frame after one second (or half way through a shorter programme).
        let first = min(1, probe.duration / 2)
        let selection = "gt(scene\\,\(Self.sceneThreshold))+gte(t\\,\(first))*lt(prev_t\\,\(first))+gte(t-prev_selected_t\\,\(interval))"
        let candidates = try await extractFrames(of: source, selection: selection, into: work, measure: true)
        var kept: [FrameCandidate] = []
        for candidate in candidates.filter(\.isCut) + candidates.filter({ !$0.isCut }) {
            guard let look = candidate.look, !look.isBlack, !look.isBlurred else { continue }
            if kept.contains(where: { $0.look.map(look.isNearDuplicate(of:)) ?? false }) { continue }
            kept.append(candidate)
        }
        let cuts = kept.filter(\.isCut).sorted { $0.time < $1.time }
        let others = kept.filter { !$0.isCut }.sorted { $0.time < $1.time }
        let chosen = cuts.count >= count ? Self.spread(cuts, count) : cuts + Self.spread(others, count - cuts.count)
        return try place(chosen, probe: probe, into: folder)
    }

    /// Frames for labelling: every cut, and a frame at least every `maxGap` seconds, so no stretch
    /// of the programme longer than `maxGap` goes without a frame.
    public func keyframes(of source: URL, probe: ProgrammeProbe, into folder: URL, maxGap: Double) async throws -> [VideoFrame] {
        try Self.requirePicture(probe)
        let work = Self.workFolder(in: folder)
        defer { try? FileManager.default.removeItem(at: work) }
        // One frame less than the gap: the first frame at or past that distance is then never later than maxGap.
        let frameSeconds = 1 / max(probe.video?.frameRate ?? 25, 1)
        let gap = max(frameSeconds, maxGap - frameSeconds)
        let selection = "isnan(prev_selected_t)+gt(scene\\,\(Self.sceneThreshold))+gte(t-prev_selected_t\\,\(gap))"
        let candidates = try await extractFrames(of: source, selection: selection, into: work, measure: false)
        return try place(candidates, probe: probe, into: folder)
    }

    /// `count` items evenly spaced through `items` (all of them when there are not more).
    static func spread<T>(_ items: [T], _ count: Int) -> [T] {
        guard count > 0 else { return [] }
        guard items.count > count else { return items }
        if count == 1 { return [items[items.count / 2]] }
        return (0..<count).map { items[Int((Double($0) * Double(items.count - 1) / Double(count - 1)).rounded())] }
    }
}
