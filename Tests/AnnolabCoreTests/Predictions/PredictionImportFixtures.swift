// The prediction files of Tests/Fixtures/predictions and the checks the prediction import tests share.
import Foundation
import Testing
@testable import AnnolabCore

enum PredictionFixtures {
    /// Files written by the tools themselves or copied from their documentation (see SOURCES.md there).
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Predictions
        .deletingLastPathComponent()   // AnnolabCoreTests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Fixtures/predictions")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// A text of `count` copies of `piece`, for labels and files far larger than any real one.
    static func huge(_ piece: String, count: Int) -> String {
        String(repeating: piece, count: count)
    }
}

/// Checks that `body` is refused with `code` and a message containing each of `fragments`
/// (the place it names and what is wrong), and says what it got otherwise.
func expectRefusal(_ code: LabError.Code, _ fragments: [String], story: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) {
    guard let error = labRefusal(body) else {
        Issue.record("\(story): expected a refusal with code \(code), but the file was accepted", sourceLocation: sourceLocation)
        return
    }
    #expect(error.kind == .unprocessable, "\(story)", sourceLocation: sourceLocation)
    #expect(error.code == code, "\(story): \(error.message)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "\(story): \"\(fragment)\" not in: \(error.message)", sourceLocation: sourceLocation)
    }
}

/// Whether two boxes in fractions agree to well below a pixel of any picture.
func expectBox(_ region: PredictedRegion?, _ label: String, x: Double, y: Double, w: Double, h: Double, score: Double?,
               sourceLocation: SourceLocation = #_sourceLocation) {
    guard let region else {
        Issue.record("no box where \(label) was expected", sourceLocation: sourceLocation)
        return
    }
    #expect(region.label == label, sourceLocation: sourceLocation)
    for (got, want) in [(region.x, x), (region.y, y), (region.w, w), (region.h, h)] {
        #expect(abs(got - want) < 1e-12, "\(got) is not \(want)", sourceLocation: sourceLocation)
    }
    #expect(region.score == score, sourceLocation: sourceLocation)
}
