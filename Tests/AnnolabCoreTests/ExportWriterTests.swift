// Image exports: a client downloads the consensus boxes as COCO, YOLO or Pascal VOC and their tools read them.
import AnnolabCore
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small project: a street photo with a car, a person and a bus (a label the project does
/// not list), a harbour photo with a boat that reaches past the right edge, and an empty field.
enum ExportFixtures {
    static let labels = ["car", "person", "boat"]

    static let street = ImageAnnotations(fileName: "photos/street.png", width: 200, height: 100, boxes: [
        ExportBox(label: "car", x: 50, y: 45, w: 50, h: 10, confidence: 0.93456),
        ExportBox(label: "person", x: 0, y: 0, w: 20, h: 40, confidence: 1),
        ExportBox(label: "bus", x: 120.25, y: 10.5, w: 30, h: 20, confidence: 0.5),
    ])
    static let harbour = ImageAnnotations(fileName: "harbour.jpg", width: 400, height: 300, boxes: [
        // Reaches 50 px past the right edge and 10 px above the top: clipped to 300...400, 0...40.
        ExportBox(label: "boat", x: 300, y: -10, w: 150, h: 50, confidence: 0.8),
        // Wholly outside the image: left out of every export.
        ExportBox(label: "boat", x: 500, y: 10, w: 20, h: 20, confidence: 0.9),
    ])
    static let field = ImageAnnotations(fileName: "field.png", width: 64, height: 48, boxes: [])

    static let images = [street, harbour, field]

    static func jsonObject(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func text(_ data: Data?) throws -> String {
        let bytes = try #require(data)
        return try #require(String(data: bytes, encoding: .utf8))
    }
}

@Suite("COCO JSON export")
struct ExportCOCOTests {
    @Test("A client's COCO file holds every image, every box inside its image, and the label list")
    func countsAndValues() throws {
        let json = try ExportFixtures.jsonObject(COCOExport().write(ExportFixtures.images, labels: ExportFixtures.labels))
        let images = try #require(json["images"] as? [[String: Any]])
        let annotations = try #require(json["annotations"] as? [[String: Any]])
        let categories = try #require(json["categories"] as? [[String: Any]])
        #expect(images.count == 3)
        #expect(annotations.count == 4)  // 3 street boxes + the clipped boat; the outside boat is gone
        #expect(categories.map { $0["name"] as? String } == ["car", "person", "boat", "bus"])
        #expect(categories.map { $0["id"] as? Int } == [1, 2, 3, 4])
        #expect(json["info"] is [String: Any] && json["licenses"] is [Any])

        // Images are numbered in file-name order: field, harbour, photos/street.
        #expect(images.map { $0["file_name"] as? String } == ["field.png", "harbour.jpg", "photos/street.png"])
        #expect(images.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(images[2]["width"] as? Int == 200 && images[2]["height"] as? Int == 100)

        let boat = try #require(annotations.first { $0["image_id"] as? Int == 2 })
        #expect(boat["bbox"] as? [Double] == [300, 0, 100, 40])
        #expect(boat["area"] as? Double == 4000)
        #expect(boat["category_id"] as? Int == 3)

        let car = try #require(annotations.first { $0["category_id"] as? Int == 1 })
        #expect(car["image_id"] as? Int == 3)
        #expect(car["bbox"] as? [Double] == [50, 45, 50, 10])
        #expect(car["area"] as? Double == 500)
        #expect(car["iscrowd"] as? Int == 0)
        #expect(car["score"] as? Double == 0.9346)
        let bus = try #require(annotations.first { $0["category_id"] as? Int == 4 })
        #expect(bus["bbox"] as? [Double] == [120.25, 10.5, 30, 20])
        #expect(annotations.map { $0["id"] as? Int } == [1, 2, 3, 4])
        for annotation in annotations { #expect(annotation["segmentation"] == nil) }
    }

    @Test("The same consensus gives the same bytes, whatever order the images come in")
    func deterministic() {
        let one = COCOExport().write(ExportFixtures.images, labels: ExportFixtures.labels)
        let other = COCOExport().write(ExportFixtures.images.reversed(), labels: ExportFixtures.labels)
        #expect(one == other)
        let text = String(decoding: one, as: UTF8.self)
        #expect(text.hasPrefix("{\"annotations\":[{\"area\":4000,\"bbox\":[300,0,100,40],\"category_id\":3,\"id\":1,"))
        #expect(text.hasSuffix("}\n"))
    }
}

@Suite("YOLO export")
struct ExportYOLOTests {
    @Test("Box centres and sizes are fractions of the image, six decimals, class by label order")
    func normalisation() throws {
        let files = try YOLOExport().write(ExportFixtures.images, labels: ExportFixtures.labels)
        #expect(Set(files.keys) == ["classes.txt", "labels/photos/street.txt", "labels/harbour.txt", "labels/field.txt"])
        #expect(try ExportFixtures.text(files["classes.txt"]) == "car\nperson\nboat\nbus\n")
        let street = try ExportFixtures.text(files["labels/photos/street.txt"]).split(separator: "\n")
        #expect(street == [
            "0 0.375000 0.500000 0.250000 0.100000",
            "1 0.050000 0.200000 0.100000 0.400000",
            "3 0.676250 0.205000 0.150000 0.200000",
        ])
    }

    @Test("A box past the image edge is clamped to the edge and every number stays within 0...1")
    func clampingAtEdges() throws {
        let files = try YOLOExport().write(ExportFixtures.images, labels: ExportFixtures.labels)
        let harbour = try ExportFixtures.text(files["labels/harbour.txt"])
        // Clipped to x 300...400, y 0...40 of 400 x 300; the box wholly outside is left out.
        #expect(harbour == "2 0.875000 0.066667 0.250000 0.133333\n")
        let corner = ImageAnnotations(fileName: "c.png", width: 10, height: 10, boxes: [
            ExportBox(label: "car", x: -5, y: -5, w: 30, h: 30, confidence: 1),
        ])
        let line = try ExportFixtures.text(try YOLOExport().write([corner], labels: ["car"])["labels/c.txt"])
        #expect(line == "0 0.500000 0.500000 1.000000 1.000000\n")
        for file in files where file.key.hasPrefix("labels/") {
            for row in try ExportFixtures.text(file.value).split(separator: "\n") {
                let fields = row.split(separator: " ")
                #expect(fields.count == 5, "a YOLO line has exactly five fields: no confidence")
                for value in fields.dropFirst() {
                    let number = try #require(Double(value))
                    #expect(number >= 0 && number <= 1)
                }
            }
        }
    }

    @Test("An image with no boxes gets an empty label file: operators looked and found nothing")
    func emptyImage() throws {
        let files = try YOLOExport().write(ExportFixtures.images, labels: ExportFixtures.labels)
        #expect(files["labels/field.txt"] == Data())
    }

    @Test("Two uploads that would share a label file are refused instead of one overwriting the other")
    func nameClash() {
        let a = ImageAnnotations(fileName: "cars/a.png", width: 10, height: 10, boxes: [])
        let b = ImageAnnotations(fileName: "cars/A.jpg", width: 10, height: 10, boxes: [])
        #expect {
            try YOLOExport().write([a, b], labels: ["car"])
        } throws: { ($0 as? LabError)?.code == "export_name_clash" }
        #expect(throws: Never.self) { try YOLOExport().write([a], labels: ["car"]) }
    }

    @Test("Upload paths cannot point outside the archive")
    func safePaths() throws {
        let sneaky = ImageAnnotations(fileName: "../../etc/passwd.png", width: 10, height: 10, boxes: [])
        let windows = ImageAnnotations(fileName: "photos\\.\\x.png", width: 10, height: 10, boxes: [])
        let files = try YOLOExport().write([sneaky, windows], labels: [])
        #expect(Set(files.keys) == ["classes.txt", "labels/etc/passwd.txt", "labels/photos/x.txt"])
    }
}

@Suite("Pascal VOC export")
struct ExportVOCTests {
    @Test("VOC boxes are 1-based whole pixels inside the image")
    func coordinates() throws {
        let files = try PascalVOCExport().write(ExportFixtures.images)
        #expect(Set(files.keys) == ["Annotations/photos/street.xml", "Annotations/harbour.xml", "Annotations/field.xml"])
        let street = try ExportFixtures.text(files["Annotations/photos/street.xml"])
        // car x 50..<100, y 45..<55 -> 51...100, 46...55; person at the corner -> 1...20, 1...40.
        #expect(street.contains("<xmin>51</xmin>\n      <ymin>46</ymin>\n      <xmax>100</xmax>\n      <ymax>55</ymax>"))
        #expect(street.contains("<xmin>1</xmin>\n      <ymin>1</ymin>\n      <xmax>20</xmax>\n      <ymax>40</ymax>"))
        let harbour = try ExportFixtures.text(files["Annotations/harbour.xml"])
        #expect(harbour.contains("<xmin>301</xmin>\n      <ymin>1</ymin>\n      <xmax>400</xmax>\n      <ymax>40</ymax>"))
        #expect(harbour.components(separatedBy: "<object>").count == 2)

        let c = PascalVOCExport.corners(ExportBox(label: "x", x: 9.8, y: 0, w: 0.1, h: 10, confidence: 1), width: 10, height: 10)
        #expect(c.xmin == 10 && c.xmax == 10 && c.ymin == 1 && c.ymax == 10)
    }

    @Test("Labels and file names are XML-escaped; the confidence element can be left out")
    func escaping() throws {
        let image = ImageAnnotations(fileName: "R&D/<new> \"shot\".png", width: 50, height: 50, boxes: [
            ExportBox(label: "Tom & Jerry <cat>", x: 1, y: 1, w: 10, h: 10, confidence: 0.5),
        ])
        let xml = try ExportFixtures.text(try PascalVOCExport().write([image]).values.first)
        #expect(xml.contains("<name>Tom &amp; Jerry &lt;cat&gt;</name>"))
        #expect(xml.contains("<folder>R&amp;D</folder>"))
        #expect(xml.contains("<filename>&lt;new&gt; &quot;shot&quot;.png</filename>"))
        #expect(xml.contains("<confidence>0.5000</confidence>"))
        let plain = PascalVOCExport(includeConfidence: false).document(image)
        #expect(!plain.contains("confidence"))
    }

    #if canImport(FoundationXML)
    @Test("An XML reader finds every object with its name and a box inside the image size")
    func readsBack() throws {
        for (path, data) in try PascalVOCExport().write(ExportFixtures.images + [ImageAnnotations(
            fileName: "odd.png", width: 30, height: 20,
            boxes: [ExportBox(label: "a<&>b", x: 25, y: 15, w: 99, h: 99, confidence: 0.1)])]) {
            let document = try XMLDocument(data: data)
            let root = try #require(document.rootElement())
            #expect(root.name == "annotation", "\(path)")
            func number(_ node: XMLNode, _ xpath: String) throws -> Int {
                let text = try node.nodes(forXPath: xpath).first?.stringValue
                return try #require(text.flatMap { Int($0) }, "\(path): \(xpath)")
            }
            let width = try number(root, "size/width"), height = try number(root, "size/height")
            for object in try root.nodes(forXPath: "object") {
                let (xmin, ymin) = (try number(object, "bndbox/xmin"), try number(object, "bndbox/ymin"))
                let (xmax, ymax) = (try number(object, "bndbox/xmax"), try number(object, "bndbox/ymax"))
                #expect(1 <= xmin && xmin <= xmax && xmax <= width, "\(path)")
                #expect(1 <= ymin && ymin <= ymax && ymax <= height, "\(path)")
                #expect(try object.nodes(forXPath: "difficult").first?.stringValue == "0")
            }
            if path == "Annotations/odd.xml" {
                #expect(try root.nodes(forXPath: "object/name").first?.stringValue == "a<&>b")
            }
        }
    }
    #endif
}
