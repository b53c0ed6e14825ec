// Streamed image exports: written in pieces, they give the very bytes the whole-file writers give.
import AnnolabCore
import Foundation
import Testing

/// The JSON string escaping ``ExportJSON`` used before it wrote through ``ExportBytes``, kept
/// here as the reference the byte writer must match.
private func referenceJSONString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\u{2028}", "\u{2029}": out += "\\u" + String(scalar.value, radix: 16)
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// YOLO label files as ``YOLOExport`` made them before it wrote through ``YOLOFiles``, kept
/// here as the reference.
private func referenceYOLO(_ images: [ImageAnnotations], labels: [String]) throws -> [String: Data] {
    let classes = ExportLabels.resolve(labels, images: images)
    let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    var files: [String: Data] = [:]
    var paths = ExportPath.Registry()
    let classLines = classes.map { $0.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
    files["classes.txt"] = Data(classLines.map { $0 + "\n" }.joined().utf8)
    let sorted = images.enumerated().sorted { a, b in
        if a.element.fileName != b.element.fileName {
            return a.element.fileName.utf8.lexicographicallyPrecedes(b.element.fileName.utf8)
        }
        return a.offset < b.offset
    }.map(\.element)
    for image in sorted {
        let path = "labels/" + ExportPath.replacingExtension(of: image.fileName, with: "txt")
        try paths.claim(path, for: image.fileName)
        var text = ""
        for box in image.exportBoxes {
            func unit(_ value: Double) -> String { ExportNumber.fixed(min(max(value, 0), 1), places: 6) }
            let w = Double(image.width), h = Double(image.height)
            text += [String(classIndex[box.label] ?? -1), unit((box.x + box.w / 2) / w), unit((box.y + box.h / 2) / h),
                     unit(box.w / w), unit(box.h / h)].joined(separator: " ") + "\n"
        }
        files[path] = Data(text.utf8)
    }
    return files
}

/// Names a client might upload that are hard to write: quotes, control characters, line
/// separators, accents, emoji, and a lone E2 byte sequence that is not a separator.
let awkwardNames = [
    "plain.png", "with \"quotes\".png", "back\\slash.png", "tab\there.png", "line\nbreak.png", "bell\u{07}.png",
    "del\u{7F}.png", "sep\u{2028}arator\u{2029}.png", "€uro–dash.png", "Ünïcödé/straße.png", "🚗 car.png", "\u{0}nul.png",
    "\u{08}\u{0C}\r.png", "",
]

@Suite("Streamed exports write the same bytes")
struct ExportStreamingTests {
    @Test("Numbers are spelled by the byte writer exactly as ExportNumber spells them")
    func numbers() {
        var random = SplitMix64(seed: 7)
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1, -1, 0.125, 0.995, 1.005, 2.675, 12.50, 1e-7, -1e-7, 123_456.789,
                                9.2e18, 9.3e18, 1e20, -1e20, 1.5e20, .nan, .infinity, -.infinity, .ulpOfOne, 4000, 0.0001]
        for _ in 0..<20_000 {
            let magnitude = pow(10, Double(random.int(-8...12)))
            values.append(random.signedUnit() * magnitude)
        }
        var mismatches: [String] = []
        for value in values {
            for places in [-1, 0, 1, 2, 4, 6, 12, 13] {
                var fixed = ExportBytes(), trimmed = ExportBytes()
                fixed.appendFixed(value, places: places)
                trimmed.appendTrimmed(value, places: places)
                if String(decoding: fixed.bytes, as: UTF8.self) != ExportNumber.fixed(value, places: places)
                    || String(decoding: trimmed.bytes, as: UTF8.self) != ExportNumber.trimmed(value, places: places) {
                    mismatches.append("\(value) at \(places)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        var whole = ExportBytes()
        for value: Int64 in [0, 7, -7, 10, 1_000_000, .max, .min] {
            whole.removeAll()
            whole.appendInt(value)
            #expect(String(decoding: whole.bytes, as: UTF8.self) == String(value))
        }
    }

    @Test("Strings are escaped as ExportJSON always escaped them, and read back unchanged")
    func strings() throws {
        for name in awkwardNames {
            var out = ExportBytes()
            out.appendJSONString(name)
            let text = String(decoding: out.bytes, as: UTF8.self)
            #expect(text == referenceJSONString(name), "\(name.debugDescription)")
            #expect(ExportJSON.string(name).text() == referenceJSONString(name))
            let back = try JSONSerialization.jsonObject(with: Data(out.bytes), options: .fragmentsAllowed) as? String
            #expect(back == name, "\(name.debugDescription) reads back")
        }
    }

    /// Pictures with awkward names, a duplicate name, boxes past the edges, a label the
    /// project does not list, and a picture without boxes.
    static func images() -> [ImageAnnotations] {
        var images = ExportFixtures.images
        for (n, name) in awkwardNames.enumerated() where !name.isEmpty {
            images.append(ImageAnnotations(fileName: name, width: 100 + n, height: 50 + n, boxes: [
                ExportBox(label: n % 2 == 0 ? "car" : "tram", x: Double(n) * 1.37, y: -3, w: 40.005, h: 20.5,
                          confidence: Double(n) / 13),
            ]))
        }
        images.append(ImageAnnotations(fileName: "harbour.jpg", width: 10, height: 10, boxes: [
            ExportBox(label: "boat", x: 1, y: 1, w: 2, h: 2, confidence: 0.33333),
        ]))
        return images
    }

    @Test("COCO in pieces is byte for byte the COCO document, whatever size the chunks")
    func cocoPieces() async throws {
        let images = Self.images()
        let labels = ExportFixtures.labels
        let expected = COCOExport().json(images, labels: labels).data()
        #expect(COCOExport().write(images, labels: labels) == expected)
        let categories = ExportLabels.resolve(labels, images: images)
        #expect(categories == ExportLabels.resolve(labels, found: Set(images.flatMap { $0.boxes.map(\.label) })))
        for chunk in [1, 7, 100, 1 << 20] {
            var sink = ExportDataSink()
            var pieces = COCOExport().pieces(SortedImages(images), categories: categories)
            try await pieces.write(to: &sink, chunk: chunk)
            #expect(sink.data == expected, "chunks of \(chunk) bytes")
            #expect(pieces.annotationCount == images.flatMap(\.exportBoxes).count)
        }
        let empty = COCOExport().write([], labels: [])
        #expect(empty == COCOExport().json([], labels: []).data())
        #expect(String(decoding: empty, as: UTF8.self).hasPrefix(#"{"annotations":[],"categories":[],"images":[],"#))
    }

    @Test("YOLO files come one at a time in archive order: classes.txt, then label paths sorted; a repeated name keeps the later picture")
    func yoloFiles() throws {
        let images = Self.images()
        let classes = ExportLabels.resolve(ExportFixtures.labels, images: images)
        let files = try YOLOExport().files(SortedImages(images), classes: classes)
        var names: [String] = []
        var contents: [String: Data] = [:]
        var data = ExportBytes()
        for n in 0..<files.fileCount {
            data.removeAll()
            let name = try files.file(at: n, into: &data)
            names.append(name)
            contents[name] = Data(data.bytes)
        }
        #expect(names.first == "classes.txt")
        #expect(Array(names.dropFirst()) == names.dropFirst().sorted())
        #expect(Set(names).count == names.count, "each path once")
        #expect(contents == (try referenceYOLO(images, labels: ExportFixtures.labels)))
        #expect(contents == (try YOLOExport().write(images, labels: ExportFixtures.labels)))
        // Two uploads named harbour.jpg: the one uploaded later is the label file.
        #expect(String(decoding: contents["labels/harbour.txt"] ?? Data(), as: UTF8.self) == "2 0.200000 0.200000 0.200000 0.200000\n")
        #expect(try ExportFixtures.text(contents["classes.txt"]) == "car\nperson\nboat\nbus\ntram\n")
    }

    @Test("A clash or a picture without a size is refused when the YOLO files are set up, before anything is written")
    func yoloRefusesEarly() {
        let clash = [ImageAnnotations(fileName: "a.png", width: 5, height: 5, boxes: []),
                     ImageAnnotations(fileName: "A.jpg", width: 5, height: 5, boxes: [])]
        #expect { try YOLOExport().files(SortedImages(clash), classes: []) } throws: { ($0 as? LabError)?.code == "export_name_clash" }
        let flat = [ImageAnnotations(fileName: "flat.png", width: 0, height: 5, boxes: [])]
        #expect { try YOLOExport().files(SortedImages(flat), classes: []) } throws: { ($0 as? LabError)?.code == "export_image_size" }
    }

    @Test("A spill gives back what was appended, across its buffer and after it was flushed")
    func spill() throws {
        let spill = try ExportSpill(folder: FileManager.default.temporaryDirectory)
        var random = SplitMix64(seed: 3)
        var expected: [UInt8] = []
        var marks: [(offset: Int64, count: Int)] = []
        for _ in 0..<400 {
            let count = random.int(0...20_000)
            let piece = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            marks.append((spill.size, count))
            try spill.append(piece)
            expected += piece
        }
        #expect(spill.size == Int64(expected.count))
        var back: [UInt8] = []
        for n in marks.indices.reversed() { marks.swapAt(n, random.int(0...n)) }
        for mark in marks {
            try spill.read(at: mark.offset, count: mark.count, into: &back)
            #expect(back == Array(expected[Int(mark.offset)..<(Int(mark.offset) + mark.count)]))
        }
    }

    @Test("Stored box answers read by the scanner are exactly what JSONDecoder reads, to the last bit; odd ones go to JSONDecoder")
    func boxAnswerScanner() throws {
        let decoder = JSONDecoder()
        func decoded(_ body: String) -> [LabeledBox]? {
            (try? decoder.decode(AnswerBody.self, from: Data(body.utf8))).map { $0.boxes ?? [] }
        }
        func same(_ a: [LabeledBox]?, _ b: [LabeledBox]?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.count == b.count && zip(a, b).allSatisfy { p, q in
                p.label == q.label && [p.x, p.y, p.w, p.h].map(\.bitPattern) == [q.x, q.y, q.w, q.h].map(\.bitPattern)
            }
        }
        var random = SplitMix64(seed: 16)
        func number() -> String {
            let sign = random.int(0...4) == 0 ? "-" : ""
            let whole = random.int(0...3) == 0 ? "0" : String(random.int(1...999_999))
            let places = random.int(0...8)
            let fraction = places == 0 ? "" : "." + (0..<places).map { _ in String(random.int(0...9)) }.joined()
            // A negative zero is left to JSONDecoder (see the odd bodies below).
            let zero = whole == "0" && !fraction.contains { $0 != "." && $0 != "0" }
            return (zero ? "" : sign) + whole + fraction
        }
        var fast = 0
        for _ in 0..<3_000 {
            let space = [" ", "", "\n", "\t", "\r\n "][random.int(0...4)]
            let boxes = (0..<random.int(0...6)).map { _ -> String in
                var members = ["\"label\":\"\(["car", "person", "a b-c_1"][random.int(0...2)])\"",
                               "\"x\":\(number())", "\"y\":\(number())", "\"w\":\(number())", "\"h\":\(number())"]
                for n in members.indices.reversed() { members.swapAt(n, random.int(0...n)) }
                return "{" + members.joined(separator: "," + space) + "}"
            }
            let body = space + "{" + space + "\"boxes\"" + space + ":" + space + "[" + boxes.joined(separator: space + ",") + "]" + space + "}" + space
            let scanned = BoxAnswerScanner.canonicalBoxes(in: Data(body.utf8))
            if scanned != nil { fast += 1 }
            #expect(same(scanned, decoded(body)), "\(body)")
            #expect(same(BoxAnswerScanner.boxes(in: Data(body.utf8), decoder: decoder), decoded(body)), "\(body)")
        }
        #expect(fast == 3_000, "every canonical body takes the fast path")

        // What the server's encoder writes, with doubles of every length: the same, by either path.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<2_000 {
            let boxes = (0..<random.int(1...4)).map { _ in
                LabeledBox(label: "car", x: random.nextUnit() * 3000, y: Double(random.int(0...2000)) / 8,
                           w: random.nextUnit() * 1e-6, h: 0.1 + 0.2)
            }
            let body = String(decoding: try encoder.encode(AnswerBody(boxes: boxes)), as: UTF8.self)
            #expect(same(BoxAnswerScanner.boxes(in: Data(body.utf8), decoder: decoder), decoded(body)), "\(body)")
        }

        let odd = [
            #"{"boxes":[]}"#, #"{"boxes":null}"#, #"{}"#, #"{"choice":"A"}"#, #"[]"#, "", "{", #"{"boxes":[{}]}"#,
            #"{"boxes":[{"label":"car","x":-0,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"car","x":1e2,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":01,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"car","x":1.,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":.5,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"car","x":+1,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":1,"x":2,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"car","x":1,"y":0,"w":1}]}"#,
            #"{"boxes":[{"label":"c\u0061r","x":1,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"caf\#u{E9}","x":1,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":1,"y":0,"w":1,"h":1,"extra":true}]}"#, #"{"boxes":[{"label":7,"x":1,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":1,"y":0,"w":1,"h":1}],"cues":null}"#, #"{"boxes":[{"label":"car","x":1,"y":0,"w":1,"h":1}]}x"#,
            "\u{FEFF}" + #"{"boxes":[]}"#, #"{"boxes":[{"label":"car","x":12345678901234567,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":0.1234567890123456789012345,"y":0,"w":1,"h":1}]}"#, #"{"boxes":[{"label":"car","x":1e400,"y":0,"w":1,"h":1}]}"#,
            #"{"boxes":[{"label":"car","x":1,"y":0,"w":1,"h":1},]}"#, #"{"boxes":[{"label":"car","x":1,"y":0,"w":1,"h":1}"#,
        ]
        for body in odd {
            #expect(same(BoxAnswerScanner.boxes(in: Data(body.utf8), decoder: decoder), decoded(body)), "\(body)")
        }
        #expect(BoxAnswerScanner.canonicalBoxes(in: Data(#"{"boxes":[{"label":"car","x":1e2,"y":0,"w":1,"h":1}]}"#.utf8)) == nil)
    }
}
