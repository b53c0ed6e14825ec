// Placeholders of the preparation steps, replaced one by one by their own files.
import AnnolabCore
import Foundation

extension FFmpeg {
    public func probe(_ file: URL) async throws -> ProgrammeProbe {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }

    public func webVersion(of source: URL, probe: ProgrammeProbe, to target: URL,
                           progress: @escaping @Sendable (Double) -> Void) async throws {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }

    public func sound(of source: URL, to target: URL) async throws {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }

    public func subtitleTrack(of source: URL, stream: Int, to target: URL) async throws {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }

    public func thumbnailCandidates(of source: URL, probe: ProgrammeProbe, into folder: URL, count: Int) async throws -> [VideoFrame] {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }

    public func keyframes(of source: URL, probe: ProgrammeProbe, into folder: URL, maxGap: Double) async throws -> [VideoFrame] {
        throw LabError(.internalFailure, "media_preparation_failed", "Video is not ready yet.")
    }
}
