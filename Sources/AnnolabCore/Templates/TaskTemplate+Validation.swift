// Checks a task template, so that a mistake in Tasks/*.json stops the server with a clear message instead of confusing operators.

extension TaskTemplate {
    /// The longest instruction line, in characters: plain language (B1) keeps lines short, and
    /// text mode and screen readers read one line at a time.
    public static let maxInstructionLineLength = 160

    /// Checks every field; the first problem is thrown, naming the file and the field:
    /// `Tasks/audio-tags.json: field 'instructions.nl' is empty.`
    ///
    /// - Throws: `LabError` with code `template_field_empty`, `template_field_invalid` or
    ///   `template_kind_mismatch`.
    public func validate(file: String) throws {
        func empty(_ field: String) -> LabError {
            LabError(.unprocessable, "template_field_empty",
                     "\(file): field '\(field)' is empty. Fill it in and start Annolab again.")
        }
        func invalid(_ field: String, _ problem: String) -> LabError {
            LabError(.unprocessable, "template_field_invalid",
                     "\(file): field '\(field)' \(problem). Correct it and start Annolab again.")
        }
        func requireText(_ text: Text, _ field: String) throws {
            if text.nl.trimmed.isEmpty { throw empty("\(field).nl") }
            if text.en.trimmed.isEmpty { throw empty("\(field).en") }
        }

        let expectedName = "\(kind.rawValue).json"
        if let name = file.split(separator: "/").last, name.hasSuffix(".json"), String(name) != expectedName {
            throw LabError(.unprocessable, "template_kind_mismatch",
                           "\(file): field 'kind' says '\(kind.rawValue)', but the file is named '\(name)'. Name the file '\(expectedName)' or correct the kind.")
        }

        try requireText(title, "title")
        for (language, lines) in [("nl", instructions.nl), ("en", instructions.en)] {
            if lines.isEmpty { throw empty("instructions.\(language)") }
            for (index, line) in lines.enumerated() {
                let field = "instructions.\(language)[\(index)]"
                if line.trimmed.isEmpty { throw empty(field) }
                if line.count > Self.maxInstructionLineLength {
                    throw invalid(field, "is \(line.count) characters long; keep each line under \(Self.maxInstructionLineLength), one instruction per line")
                }
            }
        }
        if let question { try requireText(question, "question") }

        if labels.isEmpty && labelsSetPerProject != true { throw empty("labels") }
        var seen = Set<String>()
        for (index, label) in labels.enumerated() {
            let field = "labels[\(index)]"
            if label.id.isEmpty { throw empty("\(field).id") }
            guard label.id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw invalid("\(field).id", "is '\(label.id)'; use lower-case letters, digits and '-' only")
            }
            guard seen.insert(label.id).inserted else {
                throw invalid("\(field).id", "repeats the label '\(label.id)'; each label must be listed once")
            }
            try requireText(label.name, "\(field).name")
            if let hint = label.hint { try requireText(hint, "\(field).hint") }
        }
        if let derivedFrom, derivedFrom == kind {
            throw invalid("derivedFrom", "names the template's own kind")
        }

        if defaultOverlap < 1 { throw invalid("defaultOverlap", "is \(defaultOverlap); at least 1 operator must answer each task") }
        if adaptiveOverlap.min < 1 { throw invalid("adaptiveOverlap.min", "is \(adaptiveOverlap.min); it must be at least 1") }
        if adaptiveOverlap.min > adaptiveOverlap.max {
            throw invalid("adaptiveOverlap", "has min \(adaptiveOverlap.min) above max \(adaptiveOverlap.max)")
        }
        if !(5...60).contains(estimatedSeconds) {
            throw invalid("estimatedSeconds", "is \(estimatedSeconds); a microtask must take 5 to 60 seconds, so cut the task smaller")
        }

        try validateConsensus(invalid: invalid)

        if examples.isEmpty { throw empty("examples") }
        for (index, example) in examples.enumerated() {
            try requireText(example.input, "examples[\(index)].input")
            try requireText(example.answer, "examples[\(index)].answer")
            try requireText(example.why, "examples[\(index)].why")
        }

        try validateSettings(invalid: invalid)
    }

    private func validateConsensus(invalid: (String, String) -> LabError) throws {
        guard Consensus.knownMethods.contains(consensus.method) else {
            throw invalid("consensus.method", "is '\(consensus.method)'; use one of \(Consensus.knownMethods.joined(separator: ", "))")
        }
        if kind.workKind == .imageBoxes && consensus.method != "box-fusion" {
            throw invalid("consensus.method", "is '\(consensus.method)'; boxes are combined with 'box-fusion'")
        }
        if kind.workKind != .imageBoxes && consensus.method == "box-fusion" {
            throw invalid("consensus.method", "is 'box-fusion', which only combines boxes; use 'dawid-skene' or 'majority-vote'")
        }
        if let iou = consensus.iouThreshold, !(iou > 0 && iou <= 1) {
            throw invalid("consensus.iouThreshold", "is \(iou); it must be above 0 and at most 1")
        }
        if let quorum = consensus.quorum, !(quorum > 0 && quorum <= 1) {
            throw invalid("consensus.quorum", "is \(quorum); it must be above 0 and at most 1")
        }
    }

    private func validateSettings(invalid: (String, String) -> LabError) throws {
        func missing(_ field: String) -> LabError {
            invalid(field, "is missing; a \(kind.rawValue) template needs it")
        }
        switch kind {
        case .imageBoxes:
            guard let tiling else { throw missing("tiling") }
            if tiling.tileSize < 64 { throw invalid("tiling.tileSize", "is \(tiling.tileSize); use at least 64 pixels") }
            if tiling.tileOverlap < 0 || tiling.tileOverlap >= tiling.tileSize {
                throw invalid("tiling.tileOverlap", "is \(tiling.tileOverlap); it must be at least 0 and smaller than tileSize")
            }
            if tiling.tileThreshold < tiling.tileSize {
                throw invalid("tiling.tileThreshold", "is \(tiling.tileThreshold); it must be at least tileSize")
            }
        case .audioTags:
            guard let audio else { throw missing("audio") }
            if !(audio.clipSeconds > 0) { throw invalid("audio.clipSeconds", "is \(audio.clipSeconds); it must be above 0") }
            if !(audio.minTailSeconds >= 0 && audio.minTailSeconds < audio.clipSeconds) {
                throw invalid("audio.minTailSeconds", "is \(audio.minTailSeconds); it must be at least 0 and shorter than clipSeconds")
            }
        case .subtitleCheck:
            guard let subtitles else { throw missing("subtitles") }
            if subtitles.windowCues < 1 { throw invalid("subtitles.windowCues", "is \(subtitles.windowCues); it must be at least 1") }
            if !(subtitles.windowMaxSeconds > 0) {
                throw invalid("subtitles.windowMaxSeconds", "is \(subtitles.windowMaxSeconds); it must be above 0")
            }
        case .thumbnailChoice:
            guard let frames, let candidates = frames.candidates, let perTask = frames.framesPerTask else { throw missing("frames") }
            if !(3...4).contains(perTask) { throw invalid("frames.framesPerTask", "is \(perTask); show 3 or 4 frames in one choice") }
            if candidates < perTask { throw invalid("frames.candidates", "is \(candidates); it must be at least framesPerTask") }
        case .frameBoxes:
            guard let gap = frames?.maxGapSeconds else { throw missing("frames.maxGapSeconds") }
            if !(gap >= 1) { throw invalid("frames.maxGapSeconds", "is \(gap); it must be at least 1 second") }
        case .imageBoxVerify, .choice:
            break
        }
    }
}

extension String {
    fileprivate var trimmed: Substring {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
