// CSV as RFC 4180 writes it, for the reports clients open in a spreadsheet or read in a script.
import Foundation

/// A CSV file: a header row and data rows, written with RFC 4180 quoting.
///
/// A field is put in double quotes when it holds a comma, a double quote, a carriage return or
/// a line feed, and a double quote inside it is doubled; every row ends with CRLF, as the RFC
/// says. No byte order mark is written. Fields are written as given: a cell that starts with
/// `=` or `-` stays as it is (subtitle lines often start with a dash), so a spreadsheet should
/// import the file as text rather than open it by double-click.
///
/// ```swift
/// var table = CSVTable(header: ["start", "end", "tag", "confidence"])
/// table.append(["0.000", "10.000", "music", "0.9700"])
/// let data = table.data()   // start,end,tag,confidence\r\n0.000,10.000,music,0.9700\r\n
/// ```
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// One field, quoted when it must be.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The whole table as text.
    public func text() -> String {
        var out = ""
        for row in [header] + rows {
            out += row.map(Self.field).joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// The whole table as UTF-8.
    public func data() -> Data {
        Data(text().utf8)
    }
}
