// Finds the real crowd datasets in shared/, beside the repository, for the consensus tests.
import AnnolabCore
import Foundation
import Testing

/// The public crowd datasets (Zheng et al., VLDB 2017) that CI finds at
/// `<repo root>/../shared/data/crowd`, with their known truth.
enum CrowdDataFolder {
    /// `<repo root>/../shared/data/crowd`, where the repo root is three folders above this
    /// file's folder (Tests/AnnolabCoreTests/Consensus).
    static func url(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()   // Consensus
            .deletingLastPathComponent()   // AnnolabCoreTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // the repo root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/data/crowd")
            .standardizedFileURL
    }

    /// Loads one dataset's answers and truth; a missing folder fails the test, naming the path.
    static func load(_ name: String) throws -> (coded: CodedAnswers, truth: TruthTable) {
        let folder = url().appendingPathComponent(name)
        let answersFile = folder.appendingPathComponent("answer.csv")
        let truthFile = folder.appendingPathComponent("truth.csv")
        try #require(FileManager.default.fileExists(atPath: answersFile.path),
                     "The real crowd data is missing: expected \(answersFile.path) (shared/ must sit beside the repository).")
        try #require(FileManager.default.fileExists(atPath: truthFile.path),
                     "The real crowd truth is missing: expected \(truthFile.path).")
        let table = try AnswerTable.parse(Data(contentsOf: answersFile))
        let truth = try TruthTable.parse(Data(contentsOf: truthFile))
        return (try CodedAnswers(table.answers), truth)
    }
}
