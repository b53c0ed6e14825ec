// A database's schema as a set of plain facts, read from SQLite's pragmas or PostgreSQL's catalogue, so that two can be compared.
import Foundation
import GRDB
@testable import AnnolabStore

/// One line per fact, the same words for both databases:
/// `table T`, `column T.C TYPE null|notnull default=D [auto]`, `primary T C1,C2`,
/// `foreign T.C -> T2.C2 ACTION`, `unique T C1,C2` (a column compared without case: `C nocase`;
/// a JSON path: `payload.image.url`), `index NAME T C1,C2`, `check T.C V1,V2`, and the rows of the
/// tables a migration fills (`row minimumWage ...`).
enum SchemaFacts {
    static func sqlite(_ db: Database) throws -> Set<String> {
        var facts = Set<String>()
        let tables = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            """)
        for table in tables {
            let name: String = table["name"]
            let sql: String = table["sql"]
            facts.insert("table \(name)")
            var primary: [(Int, String)] = []
            for column in try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(name)\")") {
                let columnName: String = column["name"]
                let type = sqliteType(column["type"])
                let key: Int = column["pk"]
                if key > 0 { primary.append((key, columnName)) }
                let notNull = (column["notnull"] as Int) == 1 || key > 0
                var fallback = unquoted(column["dflt_value"] as String?)
                if type == "boolean" { fallback = ["0": "false", "1": "true"][fallback] ?? fallback }
                let auto = sql.contains("\"\(columnName)\" INTEGER PRIMARY KEY AUTOINCREMENT") ? " auto" : ""
                facts.insert("column \(name).\(columnName) \(type) \(notNull ? "notnull" : "null") default=\(fallback)\(auto)")
            }
            facts.insert("primary \(name) \(primary.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ","))")
            for key in try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\"\(name)\")") {
                let action = (key["on_delete"] as String).lowercased()
                facts.insert("foreign \(name).\(key["from"] as String) -> \(key["table"] as String).\(key["to"] as String) \(action)")
            }
            for index in try Row.fetchAll(db, sql: "PRAGMA index_list(\"\(name)\")") where (index["origin"] as String) != "pk" {
                let indexName: String = index["name"]
                let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [indexName]) ?? ""
                let columns = try Row.fetchAll(db, sql: "PRAGMA index_xinfo(\"\(indexName)\")").filter { ($0["key"] as Int) == 1 }.map { part -> String in
                    if (part["cid"] as Int) == -2 { return jsonPath(in: definition) ?? "expression" }
                    let column: String = part["name"]
                    return (part["coll"] as String).uppercased() == "NOCASE" ? "\(column) nocase" : column
                }
                if (index["unique"] as Int) == 1 {
                    facts.insert("unique \(name) \(columns.joined(separator: ","))")
                } else {
                    facts.insert("index \(indexName) \(name) \(columns.joined(separator: ","))")
                }
            }
            for check in matches(of: #"CHECK \("(\w+)" IN \(([^)]*)\)\)"#, in: sql) {
                facts.insert("check \(name).\(check[1]) \(quotedWords(check[2]).sorted().joined(separator: ","))")
            }
        }
        if try db.tableExists("minimumWage") {
            for row in try Row.fetchAll(db, sql: "SELECT country, effectiveFrom, minAge, hourlyCents FROM minimumWage") {
                facts.insert("row minimumWage \(row[0] as String) \(row[1] as String) \(row[2] as Int) \(row[3] as Int)")
            }
        }
        return facts
    }

    static func postgres(_ postgres: TestPostgres, _ address: String) throws -> Set<String> {
        var facts = Set<String>()
        let public_ = "n.nspname = 'public' AND t.relname <> 'schemaMigration'"
        for row in try postgres.psql(address, "SELECT t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.relkind = 'r' AND \(public_);") {
            facts.insert("table \(row[0])")
        }
        for row in try postgres.psql(address, """
            SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '-'), is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schemaMigration';
            """) {
            let type = ["bigint": "integer", "text": "text", "double precision": "double", "boolean": "boolean",
                        "timestamp with time zone": "datetime"][row[2]] ?? row[2]
            let fallback = row[4] == "-" ? "-" : unquoted(row[4].replacingOccurrences(of: #"::[a-z ]+$"#, with: "", options: .regularExpression))
            facts.insert("column \(row[0]).\(row[1]) \(type) \(row[3] == "NO" ? "notnull" : "null") default=\(fallback)\(row[5] == "YES" ? " auto" : "")")
        }
        let constraints = """
            SELECT t.relname, c.contype, pg_get_constraintdef(c.oid),
                   (SELECT string_agg(a.attname, ',' ORDER BY array_position(c.conkey, a.attnum)) FROM pg_attribute a
                    WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)),
                   coalesce((SELECT relname FROM pg_class WHERE oid = c.confrelid), '-'),
                   coalesce((SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[1]), '-'),
                   c.confdeltype
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype IN ('p', 'f', 'c') AND \(public_);
            """
        for row in try postgres.psql(address, constraints) {
            switch row[1] {
            case "p":
                facts.insert("primary \(row[0]) \(row[3])")
            case "f":
                let action = ["a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"][row[6]] ?? row[6]
                facts.insert("foreign \(row[0]).\(row[3]) -> \(row[4]).\(row[5]) \(action)")
            default:
                facts.insert("check \(row[0]).\(row[3]) \(quotedWords(row[2]).sorted().joined(separator: ","))")
            }
        }
        for row in try postgres.psql(address, """
            SELECT t.relname, i.relname, x.indisunique, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace WHERE NOT x.indisprimary AND \(public_);
            """) {
            guard let open = row[3].range(of: "USING btree (") else { continue }
            let inside = row[3][open.upperBound...].dropLast()
            let columns = inside.components(separatedBy: ", ").map { part -> String in
                if let path = postgresJSONPath(part) { return path }
                if let lowered = matches(of: #"^lower\(\(?"?(\w+)"?\)?(::text)?\)$"#, in: part).first { return "\(lowered[1]) nocase" }
                return part.replacingOccurrences(of: "\"", with: "")
            }
            if row[2] == "t" {
                facts.insert("unique \(row[0]) \(columns.joined(separator: ","))")
            } else {
                facts.insert("index \(row[1]) \(row[0]) \(columns.joined(separator: ","))")
            }
        }
        let hasWages = try postgres.psql(address, "SELECT to_regclass('public.\"minimumWage\"') IS NOT NULL;") == [["t"]]
        if hasWages {
            for row in try postgres.psql(address, "SELECT \"country\", \"effectiveFrom\", \"minAge\", \"hourlyCents\" FROM \"minimumWage\";") {
                facts.insert("row minimumWage \(row.joined(separator: " "))")
            }
        }
        return facts
    }

    private static func sqliteType(_ declared: String) -> String {
        ["INTEGER": "integer", "TEXT": "text", "DOUBLE": "double", "BOOLEAN": "boolean", "DATETIME": "datetime"][declared.uppercased()]
            ?? declared.lowercased()
    }

    /// A default as written, without its quotes ('[]' is []); "-" when there is none.
    private static func unquoted(_ value: String?) -> String {
        guard var value else { return "-" }
        if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value
    }

    /// `payload.image.url` for SQLite's json_extract(payload, '$.image.url').
    private static func jsonPath(in definition: String) -> String? {
        matches(of: #"json_extract\((\w+), '\$\.([\w.]+)'\)"#, in: definition).first.map { "\($0[1]).\($0[2])" }
    }

    /// `payload.image.url` for PostgreSQL's (((payload)::jsonb -> 'image'::text) ->> 'url'::text).
    private static func postgresJSONPath(_ part: String) -> String? {
        guard let column = matches(of: #"\(\(?"?(\w+)"?\)?::jsonb"#, in: part).first?[1] else { return nil }
        let keys = matches(of: #"'(\w+)'::text"#, in: part).map { $0[1] }
        return keys.isEmpty ? nil : ([column] + keys).joined(separator: ".")
    }

    private static func quotedWords(_ text: String) -> [String] {
        matches(of: #"'([^']*)'"#, in: text).map { $0[1] }
    }

    /// Every match of `pattern` in `text`, each as its whole match and its groups.
    private static func matches(of pattern: String, in text: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
