// What a client's project costs: operators' paid time shared over projects by effort, times the client's price.
import Foundation

/// Shares an operator's paid time over the projects they worked on.
///
/// ```swift
/// // 4 hours paid; 30 minutes of answers on project 1 and 10 on project 2:
/// ProjectCost.attribute(paidSeconds: 14_400, effortByProject: [1: 1_800, 2: 600])   // [1: 10_800, 2: 3_600]
/// ```
///
/// The split follows effort (seconds spent on answers), so pauses and waiting are shared
/// in the same proportion. The client pays for the lab's time, the operator is paid for
/// theirs: the split never changes what an operator earns.
public enum ProjectCost {
    /// Splits `paidSeconds` over projects in proportion to the effort on each, in whole
    /// seconds that add up exactly to `paidSeconds` (largest remainder; ties go to the
    /// project with more effort, then to the lower id).
    ///
    /// Effort that is zero, negative or not a number counts as none. With no effort at all
    /// the result is empty: that time belongs to no project (the caller shows it as unattributed).
    public static func attribute(paidSeconds: Int, effortByProject: [Int64: Double]) -> [Int64: Int] {
        // Whole milliseconds of effort, so that the split itself is exact integer arithmetic.
        let weights = effortByProject.mapValues { effort -> UInt in
            guard effort.isFinite, effort > 0 else { return 0 }
            return UInt(min(effort * 1000, 1e15).rounded())
        }
        let total = weights.values.reduce(0, +)
        guard total > 0 else { return [:] }
        let paid = UInt(max(0, paidSeconds))
        var shares: [Int64: Int] = [:]
        var remainders: [(project: Int64, remainder: UInt, weight: UInt)] = []
        for (project, weight) in weights {
            let (quotient, remainder) = total.dividingFullWidth(paid.multipliedFullWidth(by: weight))
            shares[project] = Int(quotient)
            remainders.append((project, remainder, weight))
        }
        let left = Int(paid) - shares.values.reduce(0, +)
        let order = remainders.sorted {
            ($1.remainder, $1.weight, $0.project) < ($0.remainder, $0.weight, $1.project)
        }
        for entry in order.prefix(left) { shares[entry.project]! += 1 }
        return shares
    }

    /// Sums the shares of several operators (or days) per project.
    public static func attribute(_ parts: [(paidSeconds: Int, effortByProject: [Int64: Double])]) -> [Int64: Int] {
        var total: [Int64: Int] = [:]
        for part in parts {
            for (project, seconds) in attribute(paidSeconds: part.paidSeconds, effortByProject: part.effortByProject) {
                total[project, default: 0] += seconds
            }
        }
        return total
    }
}

/// A client's cost for one project: paid hours on it at the client's hourly price, the
/// labels delivered, and the cost per label.
///
/// ```swift
/// let report = ProjectCostReport(paidSeconds: 36_000, clientHourlyPrice: Money("30.00")!, labelsDelivered: 1_200)
/// report.cost           // 300.00
/// report.costPerLabel   // 0.25
/// ```
public struct ProjectCostReport: Codable, Sendable, Equatable {
    public var paidSeconds: Int
    /// Paid hours rounded half up to 2 decimals, for people to read; the cost uses the seconds.
    public var paidHours: Decimal
    public var clientHourlyPrice: Money
    /// Paid seconds at the client's price, rounded half up to the cent.
    public var cost: Money
    public var labelsDelivered: Int
    /// The cost divided over the labels, rounded half up to the cent; nil before any label is delivered.
    public var costPerLabel: Money?

    public init(paidSeconds: Int, clientHourlyPrice: Money, labelsDelivered: Int) {
        self.paidSeconds = paidSeconds
        let hundredths = Money.scaled(cents: paidSeconds, by: 100, over: 3600).cents
        self.paidHours = Decimal(sign: hundredths < 0 ? .minus : .plus, exponent: -2,
                                 significand: Decimal(hundredths.magnitude))
        self.clientHourlyPrice = clientHourlyPrice
        self.cost = PayLedger.gross(paidSeconds: paidSeconds, hourly: clientHourlyPrice)
        self.labelsDelivered = labelsDelivered
        self.costPerLabel = labelsDelivered > 0
            ? Money.scaled(cents: cost.cents, by: 1, over: labelsDelivered) : nil
    }
}
