// The real, openly licensed media in Tasks/samples that the demo lab shows beside its generated ones.
import AnnolabCore
import Foundation

/// Real photographs, a real reading with subtitles timed to it, and real recorded sounds.
///
/// They live in the `samples` folder inside the task template folder (`Tasks/samples` in the
/// repository), so the lab finds them wherever it finds its templates. Generated media show the
/// lab with answers known exactly; these show it with the kind of files a newsroom sends. Where
/// each file comes from, its author and its licence are in `LICENSES.md` in that folder.
///
/// ```swift
/// let folder = DemoRealMedia.folder(tasksFolder: server.options.tasksFolder)
/// let photographs = try DemoRealMedia.read(DemoRealMedia.photographs, from: folder)
/// ```
public enum DemoRealMedia {
    /// Photographs to box and to choose about: an astronaut, a cameraman, a cat, a cup of coffee, a rocket.
    public static let photographs = [
        "photo-astronaut.jpg", "photo-cameraman.png", "photo-cat.png", "photo-coffee.jpg", "photo-rocket.jpg",
    ]
    /// Shakespeare's Sonnet 1 read for LibriVox, and its subtitles timed to that reading.
    /// One name, so that the import pairs the sound with the subtitles.
    public static let recording = ["librivox-sonnet-1.srt", "librivox-sonnet-1.wav"]
    /// Recorded sounds to tag: music, noise, applause and speech.
    public static let sounds = [
        "recorded-tabla.wav", "recorded-vinyl-hiss.wav", "recorded-applause.wav", "recorded-voice-prompt.wav",
    ]
    /// A short real programme (Big Buck Bunny, 5 s of 720p video with sound), to choose a thumbnail from.
    public static let programme = ["bigbuckbunny.mp4"]
    /// The file beside them that names each file's source, author, licence and changes.
    public static let licenceFile = "LICENSES.md"

    /// The samples folder inside a task template folder.
    public static func folder(tasksFolder: URL) -> URL {
        tasksFolder.appendingPathComponent("samples", isDirectory: true)
    }

    /// Reads the named files. A missing file is refused by name: a demo without its real media
    /// would look finished while showing less than the README promises.
    public static func read(_ names: [String], from folder: URL) throws -> [(name: String, data: Data)] {
        try names.map { name in
            let url = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw LabError(.internalFailure, "demo_sample_missing",
                               "The demo's sample file \(url.path) is missing. Run annolab demo from the repository's folder "
                               + "(or set ANNOLAB_HOME to it) with a new --data folder.")
            }
            return (name: name, data: data)
        }
    }
}
