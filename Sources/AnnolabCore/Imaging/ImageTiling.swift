// Cuts a large image into overlapping tiles so that each box-drawing microtask stays small.

/// A rectangle in whole pixels: a tile, a crop, or a box drawn by an operator.
///
/// `x` and `y` are the top-left corner; the rectangle covers `x ..< x + width` and
/// `y ..< y + height`.
public struct PixelRect: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var area: Int { isEmpty ? 0 : width * height }

    /// The part of this rectangle that lies inside `other`, or an empty rectangle.
    public func intersection(_ other: PixelRect) -> PixelRect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return PixelRect(x: left, y: top, width: 0, height: 0) }
        return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    public var description: String { "\(width)x\(height) at (\(x), \(y))" }
}

/// One tile of a large image: the piece of the image one operator sees in one microtask.
public struct ImageTile: Sendable, Hashable, Codable {
    /// Position in the grid, counted from the top-left tile (0, 0).
    public var column: Int
    public var row: Int
    /// Where the tile lies in the full image, in image pixels.
    public var rect: PixelRect

    public init(column: Int, row: Int, rect: PixelRect) {
        self.column = column
        self.row = row
        self.rect = rect
    }

    /// Moves a box an operator drew on this tile into the coordinates of the full image.
    ///
    /// The box is clipped to the tile first, because the client may let a drag end just
    /// outside the picture; a box with nothing left inside the tile gives `nil`.
    public func imageRect(fromTile box: PixelRect) -> PixelRect? {
        let clipped = box.intersection(PixelRect(x: 0, y: 0, width: rect.width, height: rect.height))
        guard !clipped.isEmpty else { return nil }
        return PixelRect(x: clipped.x + rect.x, y: clipped.y + rect.y, width: clipped.width, height: clipped.height)
    }

    /// The same mapping for boxes with fractional pixel coordinates, as the browser sends them.
    public func imageBox(fromTile box: (x: Double, y: Double, width: Double, height: Double))
        -> (x: Double, y: Double, width: Double, height: Double)?
    {
        let left = min(max(box.x, 0), Double(rect.width))
        let top = min(max(box.y, 0), Double(rect.height))
        let right = min(max(box.x + box.width, 0), Double(rect.width))
        let bottom = min(max(box.y + box.height, 0), Double(rect.height))
        guard right > left, bottom > top else { return nil }
        return (left + Double(rect.x), top + Double(rect.y), right - left, bottom - top)
    }
}

/// The tiling rule of the image-boxes task (DESIGN.md, "Task kinds").
///
/// An image whose width or height exceeds `threshold` (2048 px) is cut into tiles of
/// `tileSize` (1024) with `overlap` (128) px shared between neighbours, so that an object on a
/// seam is whole in at least one tile when it is smaller than the overlap. Per axis the count is
/// `ceil((side - overlap) / (tileSize - overlap))`, at least 1; tile `c` starts at
/// `c * (tileSize - overlap)` and is `min(tileSize, side - start)` wide, so edge tiles may be
/// smaller. An image not over the threshold on either side is one microtask with no tiles.
///
/// ```swift
/// let tiles = ImageTiling().tiles(width: 3000, height: 2000)   // 4 columns x 3 rows = 12
/// ```
public struct ImageTiling: Sendable, Hashable, Codable {
    public var tileSize: Int
    public var overlap: Int
    public var threshold: Int

    public init(tileSize: Int = 1024, overlap: Int = 128, threshold: Int = 2048) {
        precondition(tileSize > 0 && overlap >= 0 && overlap < tileSize, "A tile must be larger than its overlap.")
        self.tileSize = tileSize
        self.overlap = overlap
        self.threshold = threshold
    }

    /// The distance between the origins of neighbouring tiles (896 px by default).
    public var step: Int { tileSize - overlap }

    /// Whether an image of this size is cut into tiles at all.
    public func needsTiling(width: Int, height: Int) -> Bool {
        width > threshold || height > threshold
    }

    /// How many tiles one side of `length` pixels gets: `ceil((length - overlap) / step)`, at least 1.
    public func tileCount(along length: Int) -> Int {
        guard length > tileSize else { return 1 }
        return (length - overlap + step - 1) / step
    }

    /// The tiles of an image, row by row from the top-left; empty when the image is not tiled.
    public func tiles(width: Int, height: Int) -> [ImageTile] {
        guard width > 0, height > 0, needsTiling(width: width, height: height) else { return [] }
        let columns = tileCount(along: width), rows = tileCount(along: height)
        var tiles: [ImageTile] = []
        tiles.reserveCapacity(columns * rows)
        for row in 0..<rows {
            let y = row * step
            for column in 0..<columns {
                let x = column * step
                let rect = PixelRect(x: x, y: y, width: min(tileSize, width - x), height: min(tileSize, height - y))
                tiles.append(ImageTile(column: column, row: row, rect: rect))
            }
        }
        return tiles
    }
}
