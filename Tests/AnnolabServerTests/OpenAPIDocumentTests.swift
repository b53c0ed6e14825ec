// The API document says what every route reads and answers, and it cannot drift from the Swift
// types the routes decode: a script writer, or a fuzzer, can trust it.
@testable import AnnolabServer
import AnnolabCore
import AnnolabStore
import Foundation
import Testing

@Suite("The API document says everything")
struct OpenAPIDocumentTests {
    // MARK: Request bodies and the Codable types behind them

    @Test("each JSON request body lists exactly the keys its Codable type reads; the required ones are required, the others may be null")
    func bodiesAreTheDecodedTypes() throws {
        let routes = APIRoutes.all.filter { $0.body?.decodedType != nil }
        #expect(routes.count >= 15, "the routes that read JSON are in the table")
        for route in routes {
            let type = try #require(route.body?.decodedType)
            let schema = OpenAPIDocument.bodySchema(try #require(route.body))
            let properties = schema.properties ?? [:]
            let required = Set(schema.required ?? [])
            let label = "\(route.method.rawValue.uppercased()) \(route.path)"
            // The smallest body the document allows is read without complaint.
            let smallest = Self.sample(schema) as? [String: Any] ?? [:]
            #expect(Self.decodingError(type, smallest) == nil, "\(label): \(smallest) is refused: \(String(describing: Self.decodingError(type, smallest)))")
            for (key, property) in properties {
                // Every key the document lists is read: a value of the wrong kind is refused at that key.
                var wrong = smallest
                wrong[key] = property.types?.contains("array") == true ? ["wrong": true] : [true]
                let error = Self.decodingError(type, wrong)
                #expect(Self.path(of: error).first == key, "\(label): '\(key)' is described but not read (\(String(describing: error)))")
                if required.contains(key) {
                    // A required key left out is refused, and named.
                    var without = smallest
                    without[key] = nil
                    guard case .keyNotFound(let missing, let context)? = Self.decodingError(type, without) as? DecodingError else {
                        Issue.record("\(label): '\(key)' is described as required, but a body without it is read")
                        continue
                    }
                    #expect(missing.stringValue == key && context.codingPath.isEmpty, "\(label): \(missing.stringValue)")
                } else {
                    // An optional key may be null.
                    var null = smallest
                    null[key] = NSNull()
                    #expect(Self.decodingError(type, null) == nil, "\(label): '\(key)' is optional but null is refused")
                }
            }
        }
    }

    @Test("the request types people write most are described key for key")
    func knownBodies() throws {
        func keys(_ operationId: String) throws -> (all: Set<String>, required: Set<String>) {
            let route = try #require(APIRoutes.all.first { $0.operationId == operationId })
            let schema = OpenAPIDocument.bodySchema(try #require(route.body))
            return (Set(schema.properties.map { Array($0.keys) } ?? []), Set(schema.required ?? []))
        }
        #expect(try keys("login").all == ["badge", "email", "password"])
        #expect(try keys("answerTask") == (["answer", "idempotencyKey"], ["answer"]))
        #expect(try keys("createProject").all == ["name", "template", "labels", "overlap", "adaptiveOverlap", "goldRate", "deadline", "instructions",
                                                 "subtitleRules", "preannotations"])
        #expect(try keys("createProject").required == ["name", "template"])
        #expect(try keys("addUser").required == ["role", "name"])
        #expect(try keys("setRate") == (["hourly", "from"], ["hourly", "from"]))
        // Enums are described by their cases, nested types and arrays all the way down.
        let user = OpenAPIDocument.bodySchema(try #require(APIRoutes.all.first { $0.operationId == "addUser" }?.body))
        #expect(user.properties?["role"]?.enumValues == ["operator", "coach", "client", "admin"])
        let answer = OpenAPIDocument.bodySchema(try #require(APIRoutes.all.first { $0.operationId == "answerTask" }?.body))
        let box = answer.properties?["answer"]?.properties?["boxes"]?.items?.value
        #expect(Set(box?.required ?? []) == ["label", "x", "y", "w", "h"])
    }

    @Test("every type in the document could be derived, every operation has one id, and every link leads to an operation that has its parameters")
    func documentIsWhole() throws {
        let document = OpenAPIDocument.document()
        #expect(SchemaDerivation.failures.withLock { $0 }.isEmpty, "\(SchemaDerivation.failures.withLock { $0 })")
        let operations = document.paths.values.flatMap(\.values)
        let ids = operations.map(\.operationId)
        #expect(Set(ids).count == ids.count, "operation ids are unique")
        for link in APILinks.all {
            let target = try #require(APIRoutes.all.first { $0.operationId == link.to }, "link \(link.name) leads nowhere")
            let source = try #require(APIRoutes.all.first { $0.operationId == link.from })
            #expect(([source.answer] + source.otherAnswers).contains { $0.status == link.status }, "\(link.from) never answers \(link.status)")
            for parameter in link.parameters.keys where parameter.hasPrefix("path.") {
                #expect(target.pathParameterNames.contains(String(parameter.dropFirst(5))), "\(link.to) has no \(parameter)")
            }
        }
        // The stateful chains a fuzzer needs are there.
        let pairs = Set(APILinks.all.map { "\($0.from)->\($0.to)" })
        for needed in ["login->me", "addUser->login", "createProject->uploadItems", "uploadItems->exportProject", "nextTask->answerTask"] {
            #expect(pairs.contains(needed), "no link \(needed)")
        }
        // What is not JSON says so: the event stream, uploads, exports.
        let events = try #require(document.paths["/api/v1/coach/events"]?["get"]?.responses["200"]?.content)
        #expect(events.keys.contains("text/event-stream"))
        let upload = try #require(document.paths["/api/v1/projects/{id}/items"]?["post"]?.requestBody?.content)
        #expect(upload.keys.sorted() == ["multipart/form-data"])
        let export = try #require(document.paths["/api/v1/projects/{id}/export"]?["get"]?.responses["200"]?.content)
        #expect(Set(export.keys).isSuperset(of: ["text/csv", "application/zip", "text/vtt", "application/json"]))
        // Statuses beyond success are there where a route gives them.
        let next = try #require(document.paths["/api/v1/tasks/next"]?["get"]?.responses)
        #expect(Set(next.keys).isSuperset(of: ["200", "204", "401", "403", "409", "423"]))
        let login = try #require(document.paths["/api/v1/login"]?["post"]?.responses)
        #expect(Set(login.keys).isSuperset(of: ["200", "400", "401", "413", "429", "503"]))
    }

    @Test("the upload's body is read by hand: its hand-written schema names the file parts, and the route reads exactly those")
    func uploadSchema() async throws {
        let route = try #require(APIRoutes.all.first { $0.operationId == "uploadItems" })
        guard case .handWritten(let mediaType, let schema, _, _)? = route.body else {
            Issue.record("the upload is not described as read by hand")
            return
        }
        #expect(mediaType == "multipart/form-data")
        #expect(schema.properties?.keys.sorted() == ["file"] && schema.required == ["file"])
        #expect(schema.properties?["file"]?.items?.value.format == "binary")

        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let project = try #require(((try await lab.request("GET", "/api/v1/projects", token: client)).json["projects"] as? [[String: Any]])?.first?["id"] as? Int)
        func send(_ part: String) async throws -> HTTPResult {
            let body = "--b\r\nContent-Disposition: form-data; \(part)\r\nContent-Type: image/png\r\n\r\n".data(using: .utf8)!
                + (try TestMedia.png(width: 8, height: 8)) + Data("\r\n--b--\r\n".utf8)
            return try await lab.request("POST", "/api/v1/projects/\(project)/items", body: body, token: client,
                                         headers: ["Content-Type": "multipart/form-data; boundary=b"])
        }
        #expect(try await send("name=\"file\"; filename=\"one.png\"").status == 201)
        #expect(try await send("name=\"files\"; filename=\"one.png\"").errorCode == "no_files")
        #expect(try await send("name=\"file\"").errorCode == "file_name_missing")
    }

    // MARK: Over HTTP: what the routes really read and answer

    @Test("a route reads a JSON body exactly when the document says so: broken JSON is refused by those, ignored by the others")
    func bodiesOverHTTP() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.signIn(lab)
        let project = try #require(((try await lab.request("GET", "/api/v1/projects", token: people.client)).json["projects"] as? [[String: Any]])?.first?["id"] as? Int)
        let operatorId = try #require(((try await lab.request("GET", "/api/v1/coach/operators", token: people.coach)).json["operators"] as? [[String: Any]])?.first?["id"] as? Int)
        for route in APIRoutes.all where route.method == .post || route.method == .put {
            var path = route.path
            let id = route.path.hasPrefix("/api/v1/projects/") || route.path.hasPrefix("/api/v1/coach/projects/") ? project
                : route.path.hasPrefix("/api/v1/coach/operators/") ? operatorId : 999_999
            path = path.replacingOccurrences(of: "{id}", with: "\(id)")
            let token: String? = switch route.access {
            case .everyone: nil
            case .signedIn: people.client
            case .role(let role): people.token(role)
            }
            let result = try await lab.request(route.method.rawValue.uppercased(), path, body: Data(#"{"broken"#.utf8),
                                               token: token, headers: ["Content-Type": "application/json"])
            let refusedAsJSON = result.status == 400 && ["invalid_json", "bad_request"].contains(result.errorCode)
            switch route.body {
            case .json?: #expect(refusedAsJSON, "\(route.method) \(route.path) is described with a JSON body but took broken JSON: \(result.status) \(result.text)")
            case .handWritten?: #expect(result.status == 415, "\(route.path): \(result.status)")
            case nil: #expect(!refusedAsJSON, "\(route.method) \(route.path) reads a body the document does not describe")
            }
        }
    }

    @Test("the answers of a demo lab match their documented schemas key for key, hand-spliced tasks included")
    func answersMatchTheDocument() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.signIn(lab)
        let document = OpenAPIDocument.document()
        func check(_ method: String, _ path: String, _ documentedPath: String, token: String?, json: Any? = nil) async throws -> HTTPResult {
            let result = try await lab.request(method, path, json: json, token: token)
            let operation = try #require(document.paths[documentedPath]?[method.lowercased()], "\(documentedPath) is not described")
            let response = try #require(operation.responses["\(result.status)"], "\(method) \(path) answered \(result.status), which is not described")
            if let schema = response.content?["application/json"]?.schema {
                let value = try JSONDecoder().decode(JSONValue.self, from: result.body)
                let problems = Self.violations(value, schema, document: document, at: "")
                #expect(problems.isEmpty, "\(method) \(path) \(result.status): \(problems)")
            }
            return result
        }
        for route in APIRoutes.all where route.method == .get && route.pathParameterNames.isEmpty && route.operationId != "coachEvents" {
            let token: String? = switch route.access {
            case .everyone: nil
            case .signedIn: people.client
            case .role(let role): people.token(role)
            }
            let query = route.operationId == "payroll" ? "?from=2026-01-01&to=2026-12-31" : ""
            _ = try await check("GET", route.path + query, route.path, token: token)
        }
        let projects = try await check("GET", "/api/v1/projects", "/api/v1/projects", token: people.client)
        let project = try #require((projects.json["projects"] as? [[String: Any]])?.first?["id"] as? Int)
        _ = try await check("GET", "/api/v1/projects/\(project)", "/api/v1/projects/{id}", token: people.client)
        let cards = try await check("GET", "/api/v1/coach/operators", "/api/v1/coach/operators", token: people.coach)
        let operatorId = try #require((cards.json["operators"] as? [[String: Any]])?.first?["id"] as? Int)
        _ = try await check("GET", "/api/v1/coach/operators/\(operatorId)/summary", "/api/v1/coach/operators/{id}/summary", token: people.coach)
        _ = try await check("GET", "/api/v1/coach/projects/\(project)/operators", "/api/v1/coach/projects/{id}/operators", token: people.coach)
        _ = try await check("GET", "/api/v1/tasks/next", "/api/v1/tasks/next", token: people.operator)
        try await Self.addWork(lab)
        _ = try await check("POST", "/api/v1/shift/start", "/api/v1/shift/start", token: people.operator)
        let served = try await check("GET", "/api/v1/tasks/next", "/api/v1/tasks/next", token: people.operator)
        #expect(served.status == 200)
        let assignment = try #require((served.json["assignment"] as? [String: Any])?["id"] as? Int)
        _ = try await check("POST", "/api/v1/assignments/\(assignment)/renew", "/api/v1/assignments/{id}/renew", token: people.operator)
        _ = try await check("POST", "/api/v1/assignments/\(assignment)/answer", "/api/v1/assignments/{id}/answer",
                            token: people.operator, json: ["answer": ["choice": served.json["task"].flatMap { ($0 as? [String: Any])?["labels"] as? [[String: Any]] }?.first?["id"] as? String ?? "?"]])
        _ = try await check("POST", "/api/v1/shift/pause", "/api/v1/shift/pause", token: people.operator)
        let pause = try await check("GET", "/api/v1/tasks/next", "/api/v1/tasks/next", token: people.operator)
        #expect(pause.status == 423)
        _ = try await check("POST", "/api/v1/login", "/api/v1/login", token: nil, json: ["badge": "OP-0002"])
        _ = try await check("POST", "/api/v1/tokens", "/api/v1/tokens", token: people.client)
        _ = try await check("GET", "/api/v1/coach/feedback?status=pending", "/api/v1/coach/feedback", token: people.coach)
    }

    @Test("every query parameter the document lists is read by its route: a value outside its schema is refused, a missing required one too")
    func queryParametersOverHTTP() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.signIn(lab)
        let project = try #require(((try await lab.request("GET", "/api/v1/projects", token: people.client)).json["projects"] as? [[String: Any]])?.first?["id"] as? Int)
        let operatorId = try #require(((try await lab.request("GET", "/api/v1/coach/operators", token: people.coach)).json["operators"] as? [[String: Any]])?.first?["id"] as? Int)
        let routes = APIRoutes.all.filter { !$0.query.isEmpty }
        #expect(routes.count >= 7)
        for route in routes {
            let path = route.path.replacingOccurrences(of: "{id}", with: "\(route.path.contains("/operators/") ? operatorId : project)")
            guard case .role(let role) = route.access else { Issue.record("\(route.path): query routes are for one role"); continue }
            // Valid values for every required parameter, so that only the one under test is wrong.
            let valid = route.query.filter(\.required).map { "\($0.name)=\(Self.sample($0.schema) ?? "")" }
            func send(_ query: [String]) async throws -> HTTPResult {
                let url = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
                if route.operationId == "uploadItems" {
                    return try await lab.request("POST", url, body: TestMedia.multipart([("one.png", try TestMedia.png(width: 8, height: 8))]),
                                                 token: people.token(role), headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
                }
                return try await lab.request(route.method.rawValue.uppercased(), url, token: people.token(role))
            }
            for parameter in route.query {
                let others = valid.filter { !$0.hasPrefix(parameter.name + "=") }
                let wrong = switch parameter.schema.types?.first {
                case "boolean": "maybe"
                case "integer": "\((parameter.schema.maximum ?? 0) + 1)"
                default: parameter.schema.format == "date" ? "2026-13-45" : "not-a-value"
                }
                let refused = try await send(others + ["\(parameter.name)=\(wrong)"])
                #expect([400, 422].contains(refused.status), "\(route.path)?\(parameter.name)=\(wrong) was taken: \(refused.status) \(refused.text)")
                if parameter.required {
                    let missing = try await send(others)
                    #expect(missing.status == 400, "\(route.path) without \(parameter.name): \(missing.status)")
                }
            }
            let accepted = try await send(valid)
            #expect((200..<300).contains(accepted.status), "\(route.path)?\(valid): \(accepted.status) \(accepted.text)")
        }
    }

    // MARK: What the fuzzer found, each fixed

    @Test("a query flag or filter takes only its documented values: ?all=, ?status=, ?strict= and the payroll's ?format= refuse anything else")
    func queryValuesAreChecked() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.signIn(lab)
        #expect(try await lab.request("GET", "/api/v1/coach/alerts?all=true", token: people.coach).status == 200)
        #expect(try await lab.request("GET", "/api/v1/coach/alerts?all=null", token: people.coach).errorCode == "invalid_all")
        #expect(try await lab.request("GET", "/api/v1/coach/feedback?status=pending", token: people.coach).status == 200)
        #expect(try await lab.request("GET", "/api/v1/coach/feedback?status=null", token: people.coach).errorCode == "invalid_status")
        let project = try #require(((try await lab.request("GET", "/api/v1/projects", token: people.client)).json["projects"] as? [[String: Any]])?.first?["id"] as? Int)
        let upload = try await lab.request("POST", "/api/v1/projects/\(project)/items?strict=null",
                                           body: TestMedia.multipart([("one.png", try TestMedia.png(width: 8, height: 8))]),
                                           token: people.client, headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
        #expect(upload.errorCode == "invalid_strict", "\(upload.text)")
        let payroll = "/api/v1/admin/payroll?from=2026-01-01&to=2026-01-31"
        #expect(try await lab.request("GET", payroll + "&format=csv", token: people.admin).header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(try await lab.request("GET", payroll + "&format=xml", token: people.admin).errorCode == "invalid_format")
    }

    @Test("a body that may be left out is still refused when it is sent and is not what the route reads")
    func optionalBodiesAreChecked() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.signIn(lab)
        #expect(try await lab.request("POST", "/api/v1/tokens", token: people.client).status == 201)
        #expect(try await lab.request("POST", "/api/v1/tokens", json: ["label": "nightly export"], token: people.client).status == 201)
        #expect(try await lab.request("POST", "/api/v1/tokens", json: [NSNull(), NSNull()], token: people.client).errorCode == "invalid_json")
        try await Self.addWork(lab)
        _ = try await lab.request("POST", "/api/v1/shift/start", token: people.operator)
        let served = try await lab.request("GET", "/api/v1/tasks/next", token: people.operator)
        let assignment = try #require((served.json["assignment"] as? [String: Any])?["id"] as? Int)
        #expect(try await lab.request("POST", "/api/v1/assignments/\(assignment)/skip", json: ["reason": 12], token: people.operator).errorCode == "invalid_json")
        #expect(try await lab.request("POST", "/api/v1/assignments/\(assignment)/skip", token: people.operator).status == 200)
    }

    @Test("text mode refuses a language it does not speak instead of quietly keeping the old one")
    func textLanguage() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        let refused = try await lab.request("POST", "/api/v1/text", json: ["input": "help", "language": "AAA"], token: operatorToken)
        #expect(refused.status == 422 && refused.errorCode == "invalid_language")
        #expect(try await lab.request("POST", "/api/v1/text", json: ["input": "help", "language": "en"], token: operatorToken).status == 200)
    }

    // MARK: Helpers

    struct People {
        var `operator`: String
        var coach: String
        var client: String
        var admin: String
        func token(_ role: Role) -> String {
            switch role {
            case .operator: self.operator
            case .coach: coach
            case .client: client
            case .admin: admin
            }
        }
    }

    /// Work for the demo lab's operators: a picture in the choice project (the demo's projects start empty).
    static func addWork(_ lab: RunningLab) async throws {
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles([(name: "street.png", data: try TestMedia.png(width: 40, height: 30))],
                                                      into: project.id!, strict: true, actor: nil)
    }

    static func signIn(_ lab: RunningLab) async throws -> People {
        People(operator: try await lab.login(["badge": "OP-0001"]),
               coach: try await lab.login(["email": "coach@demo.local", "password": "demo-coach"]),
               client: try await lab.login(["email": "client@demo.local", "password": "demo-client"]),
               admin: try await lab.login(["email": "admin@demo.local", "password": "demo-admin"]))
    }

    /// The smallest JSON value a schema allows: required keys only, the first case of an enum.
    static func sample(_ schema: JSONSchema) -> Any? {
        if let values = schema.enumValues { return values[0] }
        if let options = schema.anyOf { return options.lazy.compactMap { $0 == .null ? nil : sample($0) }.first }
        switch schema.types?.first(where: { $0 != "null" }) {
        case "string":
            if schema.format == "date" { return "2026-03-01" }
            if schema.format == "date-time" { return "2026-03-01T10:00:00Z" }
            if schema.pattern != nil { return "15.50" }
            return String(repeating: "a", count: max(1, schema.minLength ?? 1))
        case "integer": return 1
        case "number": return 1.5
        case "boolean": return true
        case "array": return schema.minItems.map { _ in [schema.items.flatMap { sample($0.value) } as Any] } ?? []
        case "object":
            var object: [String: Any] = [:]
            for key in schema.required ?? [] { object[key] = schema.properties?[key].flatMap(sample) }
            return object
        default: return nil
        }
    }

    /// How JSONDecoder, as the routes use it, takes this JSON as `type`: nil when it reads it.
    static func decodingError(_ type: any Decodable.Type, _ json: Any) -> (any Error)? {
        func decode<T: Decodable>(_: T.Type) -> (any Error)? {
            do {
                _ = try LabJSON.decoder.decode(T.self, from: try JSONSerialization.data(withJSONObject: json))
                return nil
            } catch {
                return error
            }
        }
        return decode(type)
    }

    /// The keys leading to where a DecodingError happened.
    static func path(of error: (any Error)?) -> [String] {
        let context: DecodingError.Context? = switch error as? DecodingError {
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?: context
        case .keyNotFound(let key, let context)?: DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: "")
        default: nil
        }
        return context?.codingPath.map(\.stringValue) ?? []
    }

    /// A JSON value as it was sent, telling booleans from numbers and whole numbers from others.
    enum JSONValue: Decodable {
        case null, boolean(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let value = try? single.decode(Bool.self) { self = .boolean(value) }
            else if let value = try? single.decode(Int64.self) { self = .integer(value) }
            else if let value = try? single.decode(Double.self) { self = .number(value) }
            else if let value = try? single.decode(String.self) { self = .string(value) }
            else if let value = try? single.decode([JSONValue].self) { self = .array(value) }
            else { self = .object(try single.decode([String: JSONValue].self)) }
        }

        var kind: String {
            switch self {
            case .null: "null"
            case .boolean: "boolean"
            case .integer: "integer"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
    }

    /// Where a JSON value breaks a schema: wrong types, missing keys, keys not described, values not among the cases.
    static func violations(_ value: JSONValue, _ schema: JSONSchema, document: OpenAPI.Document, at path: String) -> [String] {
        if let reference = schema.ref {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = document.components.schemas[name] else { return ["\(path): unknown \(reference)"] }
            return violations(value, target, document: document, at: path)
        }
        if let options = schema.anyOf {
            return options.contains { violations(value, $0, document: document, at: path).isEmpty } ? [] : ["\(path): fits none of anyOf"]
        }
        if let types = schema.types {
            guard types.contains(value.kind) || (value.kind == "integer" && types.contains("number")) else {
                return ["\(path): \(value.kind), described as \(types)"]
            }
        }
        var problems: [String] = []
        switch value {
        case .string(let text):
            if let cases = schema.enumValues, !cases.contains(text) { problems.append("\(path): '\(text)' is not one of \(cases)") }
        case .object(let object):
            for key in schema.required ?? [] where object[key] == nil { problems.append("\(path).\(key): missing") }
            for (key, item) in object {
                if let property = schema.properties?[key] {
                    problems += violations(item, property, document: document, at: "\(path).\(key)")
                } else if case .forbidden? = schema.additionalProperties {
                    problems.append("\(path).\(key): not described")
                } else if case .values(let values)? = schema.additionalProperties {
                    problems += violations(item, values.value, document: document, at: "\(path).\(key)")
                }
            }
        case .array(let array):
            if let items = schema.items {
                for (index, item) in array.enumerated() {
                    problems += violations(item, items.value, document: document, at: "\(path)[\(index)]")
                }
            }
        default: break
        }
        return problems
    }
}
