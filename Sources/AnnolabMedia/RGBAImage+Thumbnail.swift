// Small previews of pictures for the client's dataset view and the operator's overview.

extension RGBAImage {
    /// A smaller copy whose longest side is at most `maxSide`, made by area averaging.
    ///
    /// Each new pixel is the average of exactly the source area it covers (a box filter with
    /// fractional edges), so thin lines fade instead of vanishing and no moiré appears. Colours
    /// are averaged weighted by alpha, so transparent pixels do not darken the edges. A picture
    /// that already fits is returned unchanged; pictures are never enlarged.
    public func thumbnail(maxSide: Int) -> RGBAImage {
        precondition(maxSide > 0, "A thumbnail needs at least one pixel.")
        let longest = Swift.max(width, height)
        guard longest > maxSide else { return self }
        let scale = Double(maxSide) / Double(longest)
        let newWidth = Swift.min(maxSide, Swift.max(1, Int((Double(width) * scale).rounded())))
        let newHeight = Swift.min(maxSide, Swift.max(1, Int((Double(height) * scale).rounded())))
        return resampled(width: newWidth, height: newHeight)
    }

    /// An area-averaged copy at a smaller (or equal) size.
    public func resampled(width newWidth: Int, height newHeight: Int) -> RGBAImage {
        precondition(newWidth > 0 && newHeight > 0 && newWidth <= width && newHeight <= height,
                     "Area averaging only makes pictures smaller.")
        let columns = AreaWeights(source: width, target: newWidth)
        let rows = AreaWeights(source: height, target: newHeight)
        // Which output rows each source row feeds, so the picture is read once, row by row.
        var feeds = [[(row: Int, weight: Float)]](repeating: [], count: height)
        for out in 0..<newHeight {
            for k in rows.range(out) { feeds[rows.source[k]].append((out, rows.weight[k])) }
        }

        var sums = [Float](repeating: 0, count: newWidth * newHeight * 4)
        var line = [Float](repeating: 0, count: newWidth * 4)
        let sourceWidth = width
        pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                let rowStart = y * sourceWidth * 4
                for out in 0..<newWidth {
                    var r: Float = 0, g: Float = 0, b: Float = 0, a: Float = 0
                    for k in columns.range(out) {
                        let i = rowStart + columns.source[k] * 4
                        let alpha = Float(pixels[i + 3]) * columns.weight[k]
                        r += Float(pixels[i]) * alpha
                        g += Float(pixels[i + 1]) * alpha
                        b += Float(pixels[i + 2]) * alpha
                        a += alpha
                    }
                    line[out * 4] = r
                    line[out * 4 + 1] = g
                    line[out * 4 + 2] = b
                    line[out * 4 + 3] = a
                }
                for (row, weight) in feeds[y] {
                    let base = row * newWidth * 4
                    for k in 0..<(newWidth * 4) { sums[base + k] += line[k] * weight }
                }
            }
        }

        var result = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        for p in stride(from: 0, to: result.count, by: 4) {
            let alpha = sums[p + 3]
            guard alpha > 0.001 else { continue }  // Fully transparent: stays (0, 0, 0, 0).
            result[p] = Self.byte(sums[p] / alpha)
            result[p + 1] = Self.byte(sums[p + 1] / alpha)
            result[p + 2] = Self.byte(sums[p + 2] / alpha)
            result[p + 3] = Self.byte(alpha)
        }
        // The sizes are positive and the buffer matches them, so this cannot fail.
        return try! RGBAImage(width: newWidth, height: newHeight, pixels: result)
    }

    private static func byte(_ value: Float) -> UInt8 {
        UInt8(Swift.min(255, Swift.max(0, value.rounded())))
    }
}

/// For each output pixel along one axis: the source pixels it covers and how much of each.
private struct AreaWeights {
    var start: [Int] = []
    var source: [Int] = []
    var weight: [Float] = []

    init(source length: Int, target: Int) {
        let span = Double(length) / Double(target)
        for out in 0..<target {
            start.append(source.count)
            let from = Double(out) * span, to = Double(out + 1) * span
            var s = Int(from)
            while s < length && Double(s) < to {
                let covered = Swift.min(to, Double(s + 1)) - Swift.max(from, Double(s))
                if covered > 1e-9 {
                    source.append(s)
                    weight.append(Float(covered / span))
                }
                s += 1
            }
        }
        start.append(source.count)
    }

    func range(_ out: Int) -> Range<Int> { start[out]..<start[out + 1] }
}
