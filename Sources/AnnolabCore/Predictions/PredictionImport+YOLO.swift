// Reads the label files Ultralytics YOLO writes when it predicts, and the class names beside them.
//
// Format: Ultralytics `predict` with `save_txt=True, save_conf=True` writes one line per box,
// `class x_center y_center width height confidence`, all but the class normalised to 0...1 of
// the picture (`("%g " * len(line)).rstrip()`); without `save_conf` the confidence column is
// missing. Class names come from `classes.txt` (one per line, the class number is the line
// number from 0) or a dataset's `data.yaml` (`names:`).
import Foundation

extension PredictionImport {
    /// How far a normalised YOLO number may stray outside 0...1 before it is refused: what
    /// `%g`'s six significant digits can round a number on the edge to.
    static let yoloSlack = 1e-6

    /// The boxes of one YOLO label file (for the picture `fileName`) as one ``FilePrediction``.
    ///
    /// Lines have 5 columns (no confidence) or 6 (with `save_conf`). A class number outside
    /// `classes`, a coordinate outside 0...1, a box with no size, a confidence outside 0...1 or
    /// another number of columns (a segmentation line) is refused with code `invalid_yolo` and
    /// the line number. Blank lines are skipped.
    public static func yolo(_ text: Data, fileName: String, classes: [String]) throws -> FilePrediction {
        let names = try classes.enumerated().map { n, name in
            try label(name, at: "class \(n)", code: invalidYOLO)
        }
        var prediction = FilePrediction(fileName: fileName)
        for (n, line) in try lines(text, what: "The YOLO file \(fileName.clippedForMessage)").enumerated() {
            let place = "line \(n + 1) of \(fileName.clippedForMessage)"
            // Seven pieces at most: a line that long is wrong whatever follows.
            let columns = line.split(maxSplits: 6, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
                .map(String.init)
            guard !columns.isEmpty else { continue }
            guard columns.count == 5 || columns.count == 6 else {
                let count = columns.count > 6 ? "more than 6" : "\(columns.count)"
                throw refusal(invalidYOLO, "\(place.capitalizedFirst) has \(count) columns; a YOLO box line has 5 (class x_center y_center width height) or 6 (with the confidence save_conf adds).")
            }
            guard let classIndex = Int(columns[0]), names.indices.contains(classIndex) else {
                throw refusal(invalidYOLO, "\(place.capitalizedFirst) names class \"\(columns[0].clippedForMessage)\"; the class names given have numbers 0 to \(names.count - 1).")
            }
            let values = try columns[1...4].map { column -> Double in
                guard let value = Double(column), value.isFinite, value >= -yoloSlack, value <= 1 + yoloSlack else {
                    throw refusal(invalidYOLO, "\(place.capitalizedFirst): \"\(column.clippedForMessage)\" is not a number from 0 to 1. YOLO boxes are normalised to the size of the picture.")
                }
                return value
            }
            let (cx, cy, w, h) = (values[0], values[1], values[2], values[3])
            guard w > 0, h > 0 else {
                throw refusal(invalidYOLO, "\(place.capitalizedFirst): the box is \(w) wide and \(h) high; a box needs a width and a height above 0.")
            }
            let left = cx - w / 2, top = cy - h / 2, right = cx + w / 2, bottom = cy + h / 2
            guard left >= -yoloSlack, top >= -yoloSlack, right <= 1 + yoloSlack, bottom <= 1 + yoloSlack else {
                throw refusal(invalidYOLO, "\(place.capitalizedFirst): the box reaches outside the picture (from \(left), \(top) to \(right), \(bottom) of its size).")
            }
            let confidence = columns.count == 6 ? try score(text: columns[5], at: place, code: invalidYOLO) : nil
            let x0 = max(0, left), y0 = max(0, top)
            prediction.regions.append(PredictedRegion(label: names[classIndex], x: x0, y: y0,
                                                      w: min(1, right) - x0, h: min(1, bottom) - y0, score: confidence))
            guard prediction.regions.count <= maximumBoxesPerFile else {
                throw refusal(invalidYOLO, "\(fileName.clippedForMessage) has more than \(maximumBoxesPerFile) boxes; at most that many are taken for one picture.")
            }
        }
        return prediction
    }

    /// The class names, by class number, from `classes.txt` (one per line) or, when `name`
    /// ends in `.yaml` or `.yml`, from the `names:` of a dataset file: a list (`[a, b]` or
    /// `- a` lines) or a map (`0: a` lines). Refusals have code `invalid_yolo`.
    public static func yoloClasses(_ data: Data, name: String) throws -> [String] {
        let lower = name.lowercased()
        let isYAML = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        var lines = try lines(data, what: "The class file \(name.clippedForMessage)")
        if isYAML { return try yamlNames(lines, file: name) }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard !lines.isEmpty else {
            throw refusal(invalidYOLO, "The class file \(name.clippedForMessage) is empty. It needs one class name per line.")
        }
        guard lines.count <= maximumBoxesPerFile else {
            throw refusal(invalidYOLO, "The class file \(name.clippedForMessage) has \(lines.count) lines; at most \(maximumBoxesPerFile) classes are taken.")
        }
        return try lines.enumerated().map { n, line in
            try label(line, at: "line \(n + 1) of \(name.clippedForMessage)", code: invalidYOLO)
        }
    }

    /// The `names:` entry of a YOLO dataset file. Only this key is read, so a small reader
    /// serves; anything it cannot read is refused rather than guessed.
    private static func yamlNames(_ lines: [String], file: String) throws -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("names:") }) else {
            throw refusal(invalidYOLO, "\(file.clippedForMessage) has no \"names:\" entry, so the class numbers have no names.")
        }
        let place = "line \(start + 1) of \(file.clippedForMessage)"
        let rest = yamlValue(String(lines[start].dropFirst("names:".count)))
        var names: [String] = []
        if rest.hasPrefix("[") {
            // A flow list may go on over the next lines until its "]".
            var flow = rest
            var next = start + 1
            while !flow.contains("]"), next < lines.count {
                flow += " " + yamlValue(lines[next])
                next += 1
            }
            guard let close = flow.lastIndex(of: "]") else {
                throw refusal(invalidYOLO, "\(place.capitalizedFirst): the list of names opened with [ is never closed with ].")
            }
            names = flow[flow.index(after: flow.startIndex)..<close].split(separator: ",").map { unquoted(String($0)) }
        } else if rest.isEmpty {
            var numbered: [Int: String] = [:]
            for index in (start + 1)..<lines.count {
                let line = lines[index]
                guard line.hasPrefix(" ") || line.hasPrefix("\t") || line.hasPrefix("-") else {
                    if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
                    break
                }
                let entry = yamlValue(line)
                if entry.isEmpty { continue }
                let here = "line \(index + 1) of \(file.clippedForMessage)"
                if entry.hasPrefix("-") {
                    names.append(unquoted(String(entry.dropFirst())))
                } else if let colon = entry.firstIndex(of: ":"), let number = Int(entry[..<colon].trimmingCharacters(in: .whitespaces)) {
                    guard number >= 0, number < maximumBoxesPerFile, numbered[number] == nil else {
                        throw refusal(invalidYOLO, "\(here.capitalizedFirst): class number \(number) is repeated or out of range.")
                    }
                    numbered[number] = unquoted(String(entry[entry.index(after: colon)...]))
                } else {
                    throw refusal(invalidYOLO, "\(here.capitalizedFirst) is neither \"- name\" nor \"0: name\" under names:.")
                }
            }
            if !numbered.isEmpty {
                guard names.isEmpty, numbered.keys.sorted() == Array(0..<numbered.count) else {
                    throw refusal(invalidYOLO, "\(place.capitalizedFirst): the class numbers under names: must run 0, 1, 2, ... without gaps.")
                }
                names = (0..<numbered.count).compactMap { numbered[$0] }
            }
        } else {
            throw refusal(invalidYOLO, "\(place.capitalizedFirst): names: must be a list ([a, b] or \"- a\" lines) or numbered lines (\"0: a\").")
        }
        guard !names.isEmpty, names.count <= maximumBoxesPerFile else {
            throw refusal(invalidYOLO, "\(place.capitalizedFirst): names: lists \(names.count) classes; it needs from 1 to \(maximumBoxesPerFile).")
        }
        return try names.enumerated().map { n, name in
            try label(name, at: "class \(n) in \(file.clippedForMessage)", code: invalidYOLO)
        }
    }

    /// A YAML value without its comment and surrounding space.
    private static func yamlValue(_ text: String) -> String {
        var value = text
        if let comment = value.range(of: " #") { value = String(value[..<comment.lowerBound]) }
        return value.trimmingCharacters(in: .whitespaces)
    }

    private static func unquoted(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for quote in ["\"", "'"] where trimmed.count >= 2 && trimmed.hasPrefix(quote) && trimmed.hasSuffix(quote) {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }

    /// The lines of a UTF-8 text file (a byte order mark is taken off; LF, CRLF and CR end lines).
    static func lines(_ data: Data, what: String) throws -> [String] {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: Data(bytes), encoding: .utf8) else {
            throw refusal(invalidYOLO, "\(what) is not UTF-8 text.")
        }
        // "\r\n" is one Character in Swift, so it is named as a separator of its own.
        return text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init)
    }
}
