// What an item keeps about its programme: the stored original's name and what ffprobe found.
import AnnolabCore
import Foundation

/// The facts of a programme item, kept in the item's `meta` (string values, as for every item):
/// `original` (the file in the item folder), `probe` (a ``ProgrammeProbe`` as JSON), and for
/// people reading the project, `seconds`, `frameRate`, `width` and `height`.
public struct ProgrammeFacts: Sendable {
    public var original: String
    public var probe: ProgrammeProbe

    public init(original: String, probe: ProgrammeProbe) {
        self.original = original
        self.probe = probe
    }

    /// The item's meta for these facts.
    public func meta() throws -> [String: String] {
        var meta = ["original": original, "probe": String(decoding: try JSONEncoder().encode(probe), as: UTF8.self),
                    "seconds": String(format: "%.3f", probe.duration), "programme": "true"]
        if let video = probe.video {
            meta["frameRate"] = String(format: "%.5f", video.frameRate)
            meta["width"] = "\(video.width)"
            meta["height"] = "\(video.height)"
        }
        return meta
    }

    /// Reads the facts from an item's meta (JSON text).
    public static func read(_ metaJSON: String) throws -> ProgrammeFacts {
        let meta = try JSONDecoder().decode([String: String].self, from: Data(metaJSON.utf8))
        guard let original = meta["original"], let probe = meta["probe"] else {
            throw LabError(.internalFailure, "programme_facts_missing", "This item is not a programme.")
        }
        return ProgrammeFacts(original: original, probe: try JSONDecoder().decode(ProgrammeProbe.self, from: Data(probe.utf8)))
    }

    /// The frame rate of a programme item from its meta, when it has a picture.
    public static func frameRate(_ metaJSON: String) -> Double? {
        guard let meta = try? JSONDecoder().decode([String: String].self, from: Data(metaJSON.utf8)) else { return nil }
        return meta["frameRate"].flatMap(Double.init)
    }
}
