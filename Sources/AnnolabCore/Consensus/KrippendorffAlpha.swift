// Krippendorff's alpha for nominal labels: how much operators agree beyond chance, per project.
//
// K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", University of Pennsylvania,
// 2011 (https://repository.upenn.edu/asc_papers/43), section C, nominal data with missing
// values: alpha = 1 - (n - 1) * (n - sum_c o_cc) / (n^2 - sum_c n_c^2), where o is the
// coincidence matrix over pairable values (units with at least two values) and n_c its margins.

/// Agreement among operators over a set of units (tasks).
public struct AgreementReport: Sendable, Equatable {
    /// Krippendorff's alpha (nominal); nil when it is undefined: fewer than two pairable values,
    /// or every pairable value the same, so that chance agreement is already perfect.
    public var alpha: Double?
    /// The share of agreeing pairs among all pairs of values given to the same unit, pooled
    /// over units; nil when no unit has two values.
    public var observedAgreement: Double?
    /// Units with at least two values (only those can show agreement).
    public var pairableUnits: Int
    /// Values in those units (Krippendorff's n).
    public var pairableValues: Int
}

/// Computes Krippendorff's alpha for nominal data.
///
/// ```swift
/// // Units (tasks) by coders (operators), nil where an operator gave no answer.
/// let report = KrippendorffAlpha.nominal(units: [["a", "a", nil], ["b", "a", "b"]])
/// report.alpha   // Double?
/// ```
public enum KrippendorffAlpha {
    /// From a units x coders table with missing values.
    public static func nominal<Value: Hashable>(units: [[Value?]]) -> AgreementReport {
        var codes: [Value: Int] = [:]
        var tally = Tally()
        var counts: [Int: Int] = [:]
        for unit in units {
            counts.removeAll(keepingCapacity: true)
            for case let value? in unit {
                let code: Int
                if let known = codes[value] {
                    code = known
                } else {
                    code = codes.count
                    codes[value] = code
                }
                counts[code, default: 0] += 1
            }
            tally.add(unit: counts.lazy.map { ($0.key, $0.value) })
        }
        return tally.report()
    }

    /// From coded answers: tasks are the units, each answer one value (an operator who answered a
    /// task twice counts twice).
    public static func nominal(_ answers: AnswerMatrix) -> AgreementReport {
        let K = answers.labelCount
        let index = answers.taskIndex()
        var tally = Tally()
        var counts = [Int](repeating: 0, count: K)
        for t in 0..<answers.taskCount {
            let lo = Int(index.start[t]), hi = Int(index.start[t + 1])
            guard hi - lo >= 2 else { continue }
            for k in 0..<K { counts[k] = 0 }
            for j in lo..<hi { counts[Int(answers.labels[Int(index.order[j])])] += 1 }
            tally.add(unit: counts.enumerated().lazy.filter { $0.element > 0 }.map { ($0.offset, $0.element) })
        }
        return tally.report()
    }

    /// The sums the formula needs, accumulated unit by unit.
    private struct Tally {
        /// n_c: pairable values per value code.
        var margins: [Double] = []
        /// The sum of the coincidence matrix's diagonal, sum_c o_cc.
        var diagonal = 0.0
        var agreeingPairs = 0.0
        var allPairs = 0.0
        var units = 0
        var values = 0

        /// Adds one unit, given as (value code, how many coders gave it).
        mutating func add<S: Sequence>(unit: S) where S.Element == (Int, Int) {
            let cells = Array(unit)
            let m = cells.reduce(0) { $0 + $1.1 }
            guard m >= 2 else { return }
            units += 1
            values += m
            allPairs += Double(m) * Double(m - 1) / 2
            for (code, count) in cells {
                if code >= margins.count { margins += Array(repeating: 0, count: code + 1 - margins.count) }
                margins[code] += Double(count)
                // Each ordered pair of coders within the unit contributes 1 / (m - 1).
                diagonal += Double(count) * Double(count - 1) / Double(m - 1)
                agreeingPairs += Double(count) * Double(count - 1) / 2
            }
        }

        func report() -> AgreementReport {
            let n = Double(values)
            let chance = n * n - margins.reduce(0) { $0 + $1 * $1 }
            let alpha: Double? = values >= 2 && chance > 0 ? 1 - (n - 1) * (n - diagonal) / chance : nil
            return AgreementReport(
                alpha: alpha,
                observedAgreement: allPairs > 0 ? agreeingPairs / allPairs : nil,
                pairableUnits: units,
                pairableValues: values)
        }
    }
}
