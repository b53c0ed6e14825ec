// Exports of projects made from programmes: keyframe boxes and thumbnail choices, with timecodes.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

extension ExportService {
    /// A keyframe with the consensus of its boxes, and where it sits in its programme.
    struct FrameResult {
        var image: ImageAnnotations
        var video: String
        var frame: Int
        var seconds: Double
    }

    /// The keyframes of a frame-boxes project, each with its fused boxes (box fusion, as for pictures).
    func frameResults(_ project: Project, _ data: Gathered) throws -> [FrameResult] {
        let fusion = BoxFusion()
        return try data.microtasks.compactMap { microtask -> FrameResult? in
            let id = try microtask.id.required("microtask")
            guard microtask.kind == .imageBoxes, !microtask.isGold, let payload = data.payloads[id], let image = payload.image,
                  let frame = payload.frame, let item = microtask.itemId.flatMap({ data.items[$0] }) else { return nil }
            let given = answers(data, microtaskId: id).map { BoxAnswer(operatorID: $0.operatorID, boxes: $0.answer.boxes ?? []) }
            let boxes = given.isEmpty ? [] : fusion.fuse(given).boxes.map(ExportBox.init)
            let name = "\(Self.base((item.fileName as NSString).deletingPathExtension))-\((image.url as NSString).lastPathComponent)"
            return FrameResult(image: ImageAnnotations(fileName: name, width: image.width, height: image.height, boxes: boxes, url: image.url),
                               video: item.fileName, frame: frame.number, seconds: frame.time)
        }
    }

    func frameBoxesExport(_ project: Project, _ data: Gathered, name: String, format: String) throws -> File {
        let frames = try frameResults(project, data)
        let images = frames.map(\.image)
        let labels = ExportLabels.resolve(project.labels, images: images)
        switch format {
        case "coco":
            // COCO's own fields, and per image where it comes from: `video`, `frame`, `time`.
            let byName = Dictionary(frames.map { ($0.image.fileName, $0) }, uniquingKeysWith: { first, _ in first })
            guard case .object(var document) = COCOExport().json(images, labels: labels),
                  case .array(let entries) = document["images"] else {
                throw LabError(.internalFailure, "export_failed", "The COCO file could not be made.")
            }
            document["images"] = .array(entries.map { entry in
                guard case .object(var fields) = entry, case .string(let file) = fields["file_name"], let frame = byName[file] else { return entry }
                fields["video"] = .string(frame.video)
                fields["frame"] = .int(Int64(frame.frame))
                fields["time"] = .string(Timecode.text(frame.seconds))
                return .object(fields)
            })
            return File(fileName: "\(name)-coco.json", contentType: "application/json", data: ExportJSON.object(document).data())
        case "yolo":
            return File(fileName: "\(name)-yolo.zip", contentType: "application/zip", data: zipped(try YOLOExport().write(images, labels: labels)))
        case "voc":
            return File(fileName: "\(name)-voc.zip", contentType: "application/zip", data: zipped(try PascalVOCExport().write(images)))
        case "labelstudio":
            return File(fileName: "\(name)-labelstudio.json", contentType: "application/json", data: LabelStudioExport().write(images))
        default:
            var table = CSVTable(header: ["file", "video", "frame", "time", "seconds", "label", "x", "y", "w", "h", "confidence"])
            for frame in frames.sorted(by: { ($0.video, $0.frame) < ($1.video, $1.frame) }) {
                for box in frame.image.exportBoxes {
                    table.append([frame.image.fileName, frame.video, "\(frame.frame)", Timecode.text(frame.seconds),
                                  ExportNumber.fixed(frame.seconds, places: 3), box.label, ExportNumber.fixed(box.x, places: 2),
                                  ExportNumber.fixed(box.y, places: 2), ExportNumber.fixed(box.w, places: 2),
                                  ExportNumber.fixed(box.h, places: 2), ExportNumber.fixed(box.confidence, places: 4)])
                }
            }
            return File(fileName: "\(name)-frames.csv", contentType: "text/csv; charset=utf-8", data: table.data())
        }
    }

    func zipped(_ files: [String: Data]) -> Data {
        ZipWriter.archive(files.sorted { $0.key < $1.key }.map { (name: $0.key, data: $0.value) })
    }
}

extension ExportService {
    /// The programmes among a project's items: file name -> frame rate (0 for sound only).
    func programmes(_ data: Gathered) -> [String: Double] {
        var rates: [String: Double] = [:]
        for item in data.items.values {
            guard let meta = try? JSONDecoder().decode([String: String].self, from: Data(item.meta.utf8)), meta["programme"] == "true" else {
                continue
            }
            rates[item.fileName] = meta["frameRate"].flatMap(Double.init) ?? 0
        }
        return rates
    }

    /// One candidate frame of a thumbnail choice with the votes it got.
    struct CandidateResult {
        var video: String
        var candidate: MicrotaskPayload.Frame
        var votes: Int
        var chosen: Bool
        var mediaURL: String
    }

    /// Each candidate frame with its votes; in each choice the frame with most votes is chosen
    /// (on a tie, the earlier frame: the operators did not settle it, and the CSV shows the votes).
    func thumbnailResults(_ data: Gathered) throws -> [CandidateResult] {
        var results: [CandidateResult] = []
        for microtask in data.microtasks where microtask.kind == .choice && !microtask.isGold {
            let id = try microtask.id.required("microtask")
            guard let frames = data.payloads[id]?.frames, let item = microtask.itemId.flatMap({ data.items[$0] }) else { continue }
            let given = answers(data, microtaskId: id)
            let votes = frames.map { frame in given.filter { $0.answer.choice == frame.id }.count }
            let best = votes.max() ?? 0
            let winner = best > 0 ? votes.firstIndex(of: best) : nil
            for (n, frame) in frames.enumerated() {
                results.append(CandidateResult(video: item.fileName, candidate: frame, votes: votes[n], chosen: n == winner, mediaURL: frame.url))
            }
        }
        return results.sorted { ($0.video, $0.candidate.frame) < ($1.video, $1.candidate.frame) }
    }

    func thumbnailExport(_ project: Project, _ data: Gathered, name: String, format: String) throws -> File {
        let results = try thumbnailResults(data)
        var table = CSVTable(header: ["file", "candidate", "frame", "time", "seconds", "votes", "chosen"])
        for result in results {
            table.append([result.video, "\(result.candidate.id).jpg", "\(result.candidate.frame)", Timecode.text(result.candidate.time),
                          ExportNumber.fixed(result.candidate.time, places: 3), "\(result.votes)", result.chosen ? "1" : "0"])
        }
        switch format {
        case "csv":
            return File(fileName: "\(name)-thumbnails.csv", contentType: "text/csv; charset=utf-8", data: table.data())
        case "zip":
            // The chosen frames as JPEG, named by programme, timecode and frame, beside the CSV.
            var files = ["thumbnails.csv": table.data()]
            for result in results where result.chosen {
                let path = result.mediaURL.dropFirst("/media/".count)
                guard let jpeg = FileManager.default.contents(atPath: store.mediaFolder.appendingPathComponent(String(path)).path) else { continue }
                let stamp = Timecode.text(result.candidate.time).replacingOccurrences(of: ":", with: "-")
                files["\(Self.base((result.video as NSString).deletingPathExtension))-\(stamp)-frame-\(result.candidate.frame).jpg"] = jpeg
            }
            return File(fileName: "\(name)-thumbnails.zip", contentType: "application/zip", data: zipped(files))
        default:
            return File(fileName: "\(name)-thumbnails.json", contentType: "application/json", data: ExportJSON.array(results.map { result in
                .object(["file": .string(result.video), "candidate": .string("\(result.candidate.id).jpg"),
                         "frame": .int(Int64(result.candidate.frame)), "time": .string(Timecode.text(result.candidate.time)),
                         "seconds": .fixed(result.candidate.time, places: 3), "votes": .int(Int64(result.votes)),
                         "chosen": .bool(result.chosen)])
            }).data())
        }
    }
}
