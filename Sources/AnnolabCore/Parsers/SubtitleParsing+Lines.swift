// Walking the lines of a subtitle file as bytes, CRLF, CR and LF alike, with a bound on line length.

extension SubtitleParsing {
    struct Line {
        var number: Int
        var range: Range<Int>
    }

    /// Walks the lines of a byte buffer; CRLF, CR and LF all end a line.
    struct Lines {
        let bytes: [UInt8]
        var position = 0
        var number = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            // Text handed in as a String may still start with a byte order mark.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        }

        mutating func next() throws -> Line? {
            guard position < bytes.count else { return nil }
            let start = position
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            number += 1
            if end - start > SubtitleParsing.maximumLineLength {
                throw LabError(
                    .unprocessable, "subtitle_line_too_long",
                    "Line \(number) is \(end - start) characters long; a subtitle line can be at most \(SubtitleParsing.maximumLineLength). This does not look like a subtitle file. Please check that you chose the right file."
                )
            }
            position = end
            if position < bytes.count, bytes[position] == 0x0D {
                position += 1
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            } else if position < bytes.count {
                position += 1
            }
            return Line(number: number, range: start..<end)
        }
    }
}
