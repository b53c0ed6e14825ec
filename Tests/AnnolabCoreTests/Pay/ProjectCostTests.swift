// A client's cost follows the lab's paid time on their projects, shared by effort, to the exact second.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Client cost per project")
struct ProjectCostTests {
    @Test("paid time is shared in proportion to the effort on each project")
    func proportional() {
        #expect(ProjectCost.attribute(paidSeconds: 14_400, effortByProject: [1: 1_800, 2: 600]) == [1: 10_800, 2: 3_600])
    }

    @Test("the parts add up exactly to the whole, with the leftover seconds going to the largest remainders")
    func largestRemainder() {
        #expect(ProjectCost.attribute(paidSeconds: 100, effortByProject: [3: 1, 1: 1, 2: 1]) == [1: 34, 2: 33, 3: 33])
        #expect(ProjectCost.attribute(paidSeconds: 10, effortByProject: [1: 0.3, 2: 0.7]) == [1: 3, 2: 7])
        // 1000 × 2/3 = 666.67 and 1000 × 1/3 = 333.33: the larger remainder gets the odd second.
        #expect(ProjectCost.attribute(paidSeconds: 1_000, effortByProject: [1: 2, 2: 1]) == [1: 667, 2: 333])
    }

    @Test("for many awkward splits the parts always add up to the paid time")
    func alwaysExact() {
        var seed: UInt64 = 42
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        for _ in 0..<500 {
            let paid = Int(next() % 40_000)
            var effort: [Int64: Double] = [:]
            for project in 0..<Int64(1 + next() % 7) {
                effort[project] = Double(next() % 100_000) / 7.0
            }
            let shares = ProjectCost.attribute(paidSeconds: paid, effortByProject: effort)
            if effort.values.contains(where: { $0 > 0 }) {
                #expect(shares.values.reduce(0, +) == paid)
                #expect(shares.values.allSatisfy { $0 >= 0 })
            } else {
                #expect(shares.isEmpty)
            }
        }
    }

    @Test("a project without effort gets nothing; no effort at all leaves the time unattributed")
    func noEffort() {
        #expect(ProjectCost.attribute(paidSeconds: 600, effortByProject: [1: 0, 2: 30, 3: -5, 4: .nan]) == [1: 0, 2: 600, 3: 0, 4: 0])
        #expect(ProjectCost.attribute(paidSeconds: 600, effortByProject: [:]).isEmpty)
        #expect(ProjectCost.attribute(paidSeconds: 600, effortByProject: [1: 0]).isEmpty)
    }

    @Test("shares of several operators add up per project")
    func severalOperators() {
        let total = ProjectCost.attribute([(paidSeconds: 3_600, effortByProject: [1: 10, 2: 10]),
                                           (paidSeconds: 7_200, effortByProject: [2: 5])])
        #expect(total == [1: 1_800, 2: 9_000])
    }

    @Test("the report shows hours, cost at the client's price, and cost per label")
    func report() {
        let report = ProjectCostReport(paidSeconds: 36_000, clientHourlyPrice: Money("30.00")!, labelsDelivered: 1_200)
        #expect(report.paidHours == Decimal(10))
        #expect(report.cost == Money("300.00")!)
        #expect(report.costPerLabel == Money("0.25")!)
        let odd = ProjectCostReport(paidSeconds: 5_000, clientHourlyPrice: Money("29.99")!, labelsDelivered: 7)
        #expect(odd.paidHours == Decimal(string: "1.39")!)
        #expect(odd.cost == Money("41.65")!)          // 41.6527...
        #expect(odd.costPerLabel == Money("5.95")!)   // 4165 / 7 = 595
        #expect(ProjectCostReport(paidSeconds: 600, clientHourlyPrice: Money("30.00")!, labelsDelivered: 0).costPerLabel == nil)
    }
}
