// The admin's pay routes: an operator's hourly rate, the payroll of a period, the lab's pay settings.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Rates and payroll for the admin.
struct PayRoutes {
    let pay: PayService

    struct RateRequest: Decodable {
        var hourly: String
        var from: String
    }

    struct RateResponse: ResponseEncodable {
        var operatorId: Int64
        var hourly: Money
        var from: CalendarDate
        var minimumWage: Money?
    }

    struct PayrollResponse: ResponseEncodable {
        var from: CalendarDate
        var to: CalendarDate
        var rows: [PayrollRow]
        var totalGross: Money
    }

    func register(on router: LabRouter) {
        let group = router.group("api/v1/admin").add(middleware: RoleMiddleware(.admin))
        group.put("operators/{id}/rate", use: setRate)
        group.get("payroll", use: payroll)
        group.get("settings/pay") { _, _ in try await pay.policy() }
        group.put("settings/pay") { request, context in
            let policy = try await request.decode(as: PayPolicy.self, context: context)
            try await pay.setPolicy(policy, actor: try context.requireUser().id)
            return policy
        }
    }

    @Sendable func setRate(_ request: Request, context: LabRequestContext) async throws -> RateResponse {
        let admin = try context.requireUser()
        let id = try context.parameters.requireID(else: LabError(.notFound, "operator_not_found", "There is no such operator."))
        let body = try await request.decode(as: RateRequest.self, context: context)
        let (amount, date, floor) = try await pay.setRate(operatorId: id, hourly: body.hourly, from: body.from, actor: admin.id)
        return RateResponse(operatorId: id, hourly: amount, from: date, minimumWage: floor)
    }

    /// `?format=` of the payroll; JSON when it is left out.
    enum PayrollFormat: String {
        case json, csv
    }

    @Sendable func payroll(_ request: Request, context: LabRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let fromText = query["from"].map(String.init), let from = CalendarDate(fromText),
              let toText = query["to"].map(String.init), let to = CalendarDate(toText) else {
            throw LabError(.badRequest, "period_missing", "Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD.")
        }
        guard let format = PayrollFormat(rawValue: query["format"].map(String.init) ?? PayrollFormat.json.rawValue) else {
            throw LabError(.badRequest, "invalid_format", "Give ?format= as json or csv, or leave it out for JSON.")
        }
        let rows = try await pay.payroll(from: from, to: to)
        try await pay.store.audit(actor: try context.requireUser().id, action: "payroll.read", subject: nil,
                                  detail: "\(from) to \(to) as \(format.rawValue.uppercased())")
        if format == .csv {
            return Response(status: .ok,
                            headers: [.contentType: "text/csv; charset=utf-8",
                                      .contentDisposition: "attachment; filename=\"payroll-\(from)-\(to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: PayrollCSV.render(rows))))
        }
        let total = rows.reduce(Money(cents: 0)) { $0 + $1.gross }
        return try PayrollResponse(from: from, to: to, rows: rows, totalGross: total).response(from: request, context: context)
    }
}

extension PayPolicy: ResponseEncodable {}
