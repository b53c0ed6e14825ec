// Hourly rates, payroll and client cost: reading the ledger of time, never counting clicks.
import AnnolabCore
import AnnolabStore
import Foundation

/// Pay in the lab: rates with effective dates, checked against the minimum wage; payroll per
/// period from the time segments of ended shifts; and what a client's project cost.
struct PayService: Sendable {
    let store: any LabStoring
    let engine: LabEngine
    var timeZone: TimeZone { engine.timeZone }
    static let policyKey = "pay.policy"

    /// The lab's pay policy; by default extra pauses are paid time.
    func policy() async throws -> PayPolicy {
        guard let json = try await store.labSetting(Self.policyKey),
              let policy = try? JSONDecoder().decode(PayPolicy.self, from: Data(json.utf8)) else { return PayPolicy() }
        return policy
    }

    func setPolicy(_ policy: PayPolicy, actor: Int64?) async throws {
        try await store.setLabSetting(Self.policyKey, json: String(decoding: try JSONEncoder().encode(policy), as: UTF8.self),
                                      actor: actor)
    }

    func minimumWage() async throws -> MinimumWageTable {
        let rows = try await store.minimumWageRows().compactMap { row -> MinimumWageRow? in
            guard let from = CalendarDate(row.effectiveFrom) else { return nil }
            return MinimumWageRow(country: row.country, effectiveFrom: from, minAge: row.minAge, hourly: Money(cents: row.hourlyCents))
        }
        return MinimumWageTable(rows: rows)
    }

    /// Sets an operator's hourly rate from a date; a rate below the minimum wage is refused.
    func setRate(operatorId: Int64, hourly: String, from: String, actor: Int64?) async throws -> (Money, CalendarDate, Money?) {
        guard let user = try await store.user(id: operatorId), user.role == .operator else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
        }
        let amount = try Money.parse(hourly, field: "hourly")
        guard let date = CalendarDate(from) else {
            throw LabError(.unprocessable, "invalid_date", "The date '\(from)' is not a date like 2026-03-01.")
        }
        let table = try await minimumWage()
        let birthdate = user.birthdate.flatMap(CalendarDate.init)
        try table.check(rate: amount, birthdate: birthdate, on: date)
        try await store.setRate(operatorId: operatorId, hourlyCents: amount.cents, from: date.description, actor: actor)
        return (amount, date, table.floor(birthdate: birthdate, on: date))
    }

    /// Payroll rows for every operator with paid time between `from` and `to` (both included).
    func payroll(from: CalendarDate, to: CalendarDate) async throws -> [PayrollRow] {
        guard from <= to else {
            throw LabError(.unprocessable, "invalid_period", "The period ends before it starts.")
        }
        try await engine.settleEndedShifts()
        // The store compares times as text, so a bound past the year 9999 would sort before every
        // stored time; the period's end is kept within the last representable day.
        let start = try startOfDay(from), end = min(try startOfDay(to).addingTimeInterval(86400 * 1.5), Self.latestStoredTime)
        let stored = try await store.timeSegments(from: start.addingTimeInterval(-86400), to: end)
        let table = try await minimumWage()
        let policy = try await policy()
        guard let beforeAnyRate = CalendarDate(year: 1900, month: 1, day: 1) else { throw Self.calendarFailure("1900-01-01") }
        var rows: [PayrollRow] = []
        for (operatorId, segments) in Dictionary(grouping: stored, by: \.operatorId).sorted(by: { $0.key < $1.key }) {
            guard let user = try await store.user(id: operatorId) else { continue }
            let perDay = PayLedger.paidSecondsPerDay(segments: segments.map(\.segment), policy: policy, timeZone: timeZone)
                .filter { $0.key >= from && $0.key <= to }
            // Before the first agreed rate, the operator is paid the minimum wage for their age:
            // a zero rate is always lifted to the floor, and a day without a floor is refused below.
            let rates = [(from: beforeAnyRate, hourly: Money(cents: 0))]
                + (try await store.rates(operatorId: operatorId).compactMap { rate in
                    CalendarDate(rate.effectiveFrom).map { (from: $0, hourly: Money(cents: rate.hourlyCents)) }
                })
            for date in perDay.keys where table.floor(birthdate: user.birthdate.flatMap(CalendarDate.init), on: date) == nil {
                throw LabError(.unprocessable, "no_minimum_wage_table",
                               "There is no minimum wage table for \(date), so pay for that day cannot be checked. Add the table first.")
            }
            rows += try PayLedger.payrollRows(operatorId: operatorId, name: user.name, paidSecondsPerDay: perDay,
                                              rates: RateHistory(rates: rates), minimumWage: table,
                                              birthdate: user.birthdate.flatMap(CalendarDate.init))
        }
        return rows.sorted { ($0.date, $0.operatorId) < ($1.date, $1.operatorId) }
    }

    /// 9999-12-31 23:59:59 UTC, the last time the store's text form of a date can hold.
    static let latestStoredTime = Date(timeIntervalSince1970: 253_402_300_799)

    func startOfDay(_ date: CalendarDate) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) else {
            throw Self.calendarFailure(date.description)
        }
        return start
    }

    /// A day the calendar could not make: a fault in the lab, not in the request.
    static func calendarFailure(_ day: String) -> LabError {
        LabError(.internalFailure, "calendar_failure", "Something went wrong on the server: the day \(day) could not be placed. Please try again.")
    }

    /// What a project has cost its client so far: the paid time of ended shifts, shared over
    /// projects by the effort spent on each, at the client's hourly price.
    func projectCost(_ project: AnnolabStore.Project) async throws -> ProjectCostReport {
        try await engine.settleEndedShifts()
        let policy = try await policy()
        var parts: [(paidSeconds: Int, effortByProject: [Int64: Double])] = []
        let projectId = try project.id.required("project")
        for shift in try await store.shiftEfforts(projectId: projectId) {
            let paid = PayLedger.paidSecondsPerDay(segments: shift.timeSegments, policy: policy, timeZone: timeZone).values.reduce(0, +)
            parts.append((paidSeconds: paid, effortByProject: shift.effortByProject))
        }
        let seconds = ProjectCost.attribute(parts)[projectId] ?? 0
        let price = Money(cents: try await store.client(id: project.clientId)?.hourlyPriceCents ?? 0)
        let delivered = try await store.progress(projectId: projectId).completed
        return ProjectCostReport(paidSeconds: seconds, clientHourlyPrice: price, labelsDelivered: delivered)
    }
}

extension LabEngine {
    /// Payroll rows for a period, as `GET /api/v1/admin/payroll` gives them.
    public func payroll(from: CalendarDate, to: CalendarDate) async throws -> [PayrollRow] {
        try await PayService(store: store, engine: self).payroll(from: from, to: to)
    }
}
