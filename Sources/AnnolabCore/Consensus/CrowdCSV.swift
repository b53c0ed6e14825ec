// A small RFC 4180 reader for the answer and truth files that clients and researchers bring.
//
// RFC 4180, "Common Format and MIME Type for Comma-Separated Values (CSV) Files" (2005), read
// leniently the way spreadsheet programs write it: CRLF or LF line ends, a UTF-8 byte order
// mark, quoted fields with commas, doubled quotes and line breaks inside.

/// Reads and writes the CSV files of crowd answers, truth and consensus labels.
public enum CrowdCSV {
    /// One record of a CSV file, with the line it starts on so that errors can point at it.
    public struct Record: Sendable, Equatable {
        /// 1-based; the header is line 1.
        public var line: Int
        public var fields: [String]
    }

    /// Splits CSV bytes into records. Blank lines are skipped; a quote that is never closed is
    /// an error naming the line where its field starts.
    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> [Record] where Bytes.Element == UInt8 {
        var input = Array(bytes)
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }

        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var quoteLine = 1
        var fieldWasQuoted = false
        var i = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            let blank = fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)
            if !blank { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        while i < input.count {
            let byte = input[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < input.count && input[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    if byte == UInt8(ascii: "\r") && i + 1 < input.count && input[i + 1] == UInt8(ascii: "\n") { i += 1 }
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\"") where field.isEmpty && !fieldWasQuoted:
                    quoted = true
                    fieldWasQuoted = true
                    quoteLine = line
                default:
                    // A stray quote inside an unquoted field is kept as text, as spreadsheets do.
                    field.append(byte)
                }
            }
            i += 1
        }
        if quoted {
            throw LabError(.unprocessable, .csvOpenQuote,
                           "Line \(quoteLine) opens a quoted field that is never closed. Add the closing \" mark.")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }

    /// Quotes a field when it holds a comma, a quote or a line break.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        var quoted = "\""
        for character in field {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }
}
