// Krippendorff's alpha (nominal) against the reference values of the Python `krippendorff` package.
import AnnolabCore
import Testing

/// Reference values were computed with krippendorff 0.9.0 (PyPI) in a throwaway venv:
///
///     python3 -m venv /tmp/venv && /tmp/venv/bin/pip install krippendorff pandas
///     krippendorff.alpha(reliability_data=<coders x units, nan = missing>,
///                        level_of_measurement="nominal")
///
/// For duck and dog the coders x units table is
/// `pd.read_csv(".../answer.csv").pivot(index="worker", columns="question", values="answer")`.
@Suite("Krippendorff's alpha")
struct KrippendorffAlphaTests {
    @Test("The worked example of Krippendorff (2011) gives alpha 0.743")
    func paperExample() throws {
        // Krippendorff 2011, section C: 12 units (rows) by 4 coders (columns), nil = missing.
        let units: [[Int?]] = [
            [1, 1, nil, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
            [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nil, 5, 5, 5], [nil, nil, 1, 1], [nil, 3, nil, nil],
        ]
        let report = KrippendorffAlpha.nominal(units: units)
        #expect(abs(try #require(report.alpha) - 0.743421052631579) < 1e-6)
        #expect(report.pairableUnits == 11)
        #expect(report.pairableValues == 40)
    }

    @Test("A small synthetic table with missing answers matches the reference")
    func synthetic() throws {
        let units: [[String?]] = [
            ["a", "a", "a"], ["b", "b", "c"], ["c", "b", "c"], ["a", "a", nil], [nil, "c", "c"], ["b", nil, "b"],
        ]
        let report = KrippendorffAlpha.nominal(units: units)
        #expect(abs(try #require(report.alpha) - 0.626666666666667) < 1e-6)
        // Pairs: 3+3+3+1+1+1 = 12, agreeing: 3+1+1+1+1+1 = 8.
        #expect(abs(try #require(report.observedAgreement) - 8.0 / 12.0) < 1e-12)
    }

    @Test("The duck answers as tasks x operators match the reference")
    func ducks() throws {
        let (coded, _) = try CrowdDataFolder.load("duck")
        let alpha = try #require(KrippendorffAlpha.nominal(coded.matrix).alpha)
        #expect(abs(alpha - 0.125500572202244) < 1e-6)
    }

    @Test("The dog answers as tasks x operators match the reference")
    func dogs() throws {
        let (coded, _) = try CrowdDataFolder.load("dog")
        let alpha = try #require(KrippendorffAlpha.nominal(coded.matrix).alpha)
        #expect(abs(alpha - 0.519417841323359) < 1e-6)
    }

    @Test("The table form and the answer-matrix form agree")
    func bothForms() throws {
        let answers = try AnswerMatrix(tasks: [0, 0, 0, 1, 1, 2, 2, 2], workers: [0, 1, 2, 0, 2, 0, 1, 2],
                                       labels: [0, 0, 1, 1, 1, 2, 0, 2])
        let table: [[Int?]] = [[0, 0, 1], [1, nil, 1], [2, 0, 2]]
        #expect(KrippendorffAlpha.nominal(answers) == KrippendorffAlpha.nominal(units: table))
    }

    @Test("Alpha is undefined when everyone always gives the same label, and 1 for perfect agreement")
    func edges() throws {
        #expect(KrippendorffAlpha.nominal(units: [["a", "a"], ["a", "a"]]).alpha == nil)
        #expect(KrippendorffAlpha.nominal(units: [["a", nil], [nil, "b"]]).alpha == nil)
        #expect(try #require(KrippendorffAlpha.nominal(units: [["a", "a"], ["b", "b"]]).alpha) == 1)
    }
}
