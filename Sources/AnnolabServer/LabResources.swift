// Finds the lab's own folders (Web/, Tasks/) whether run from the source tree or installed.
import Foundation

/// Locates Web/ and Tasks/.
///
/// Looks in `$ANNOLAB_HOME`, then the current folder and its parents, then the folders above
/// the running program (a build in `.build/release/` sits inside the source tree).
public enum LabResources {
    public static func folder(named name: String) -> URL {
        let files = FileManager.default
        var candidates: [URL] = []
        if let home = ProcessInfo.processInfo.environment["ANNOLAB_HOME"] {
            candidates.append(URL(fileURLWithPath: home))
        }
        var here = URL(fileURLWithPath: files.currentDirectoryPath)
        for _ in 0..<4 {
            candidates.append(here)
            here.deleteLastPathComponent()
        }
        var program = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        for _ in 0..<6 {
            program.deleteLastPathComponent()
            candidates.append(program)
        }
        for base in candidates {
            let folder = base.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            if files.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
               files.fileExists(atPath: base.appendingPathComponent("Package.swift").path)
                || ProcessInfo.processInfo.environment["ANNOLAB_HOME"] != nil {
                return folder
            }
        }
        return URL(fileURLWithPath: files.currentDirectoryPath).appendingPathComponent(name, isDirectory: true)
    }
}
