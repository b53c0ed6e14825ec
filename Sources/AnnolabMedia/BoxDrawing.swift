// Draws a box on a picture for the image-box-verify microtask ("Is this box tight around a car?").

import AnnolabCore

/// How a box outline looks: a thick coloured band between two dark edges.
///
/// Yellow between black edges stands out on any background, light or dark, and for operators
/// with low vision or colour blindness. The outline is drawn just outside the box, so every
/// pixel inside the box stays visible and the operator can judge whether the box is tight.
/// Where the box touches the picture's edge there is no room outside; the picture's edge is then
/// the box's edge.
public struct BoxStyle: Sendable, Hashable {
    public var colour: RGBA
    public var edgeColour: RGBA
    /// Width of the coloured band, in pixels.
    public var thickness: Int
    /// Width of each dark edge beside the band, in pixels.
    public var edgeThickness: Int
    /// How much to darken everything outside the outline, from 0 (not at all) to 1 (black), so
    /// the box is the brightest thing on screen.
    public var dimOutside: Double

    public init(colour: RGBA = RGBA(255, 214, 0), edgeColour: RGBA = .black, thickness: Int = 4,
                edgeThickness: Int = 2, dimOutside: Double = 0) {
        self.colour = colour
        self.edgeColour = edgeColour
        self.thickness = max(1, thickness)
        self.edgeThickness = max(0, edgeThickness)
        self.dimOutside = min(1, max(0, dimOutside))
    }

    /// A style whose lines grow with the picture, so the outline stays visible after the
    /// browser scales a large picture down to the screen.
    public static func standard(forWidth width: Int, height: Int) -> BoxStyle {
        let band = max(4, max(width, height) / 200)
        return BoxStyle(thickness: band, edgeThickness: max(2, band / 3))
    }

    /// How far the outline reaches outside the box.
    public var totalWidth: Int { thickness + 2 * edgeThickness }
}

extension RGBAImage {
    /// Draws the outline of `box` (in image pixels) just outside it.
    public mutating func drawBoxOutline(_ box: PixelRect, style: BoxStyle = BoxStyle()) {
        guard !box.isEmpty else { return }
        let edge = style.edgeThickness, band = style.thickness
        if style.dimOutside > 0 {
            let keep = box.expanded(by: style.totalWidth)
            let factor = 1 - style.dimOutside
            for y in 0..<height {
                for x in 0..<width where !(x >= keep.x && x < keep.maxX && y >= keep.y && y < keep.maxY) {
                    let p = self[x, y]
                    self[x, y] = RGBA(UInt8(Double(p.r) * factor), UInt8(Double(p.g) * factor),
                                      UInt8(Double(p.b) * factor), p.a)
                }
            }
        }
        fillRing(around: box, from: 0, to: edge, with: style.edgeColour)
        fillRing(around: box, from: edge, to: edge + band, with: style.colour)
        fillRing(around: box, from: edge + band, to: edge + band + edge, with: style.edgeColour)
    }

    /// A copy of the picture with the outline of `box` drawn on it.
    public func withBoxOutline(_ box: PixelRect, style: BoxStyle = BoxStyle()) -> RGBAImage {
        var copy = self
        copy.drawBoxOutline(box, style: style)
        return copy
    }

    /// Fills the frame between `box` grown by `inner` and `box` grown by `outer` pixels.
    private mutating func fillRing(around box: PixelRect, from inner: Int, to outer: Int, with colour: RGBA) {
        guard outer > inner else { return }
        let o = box.expanded(by: outer), i = box.expanded(by: inner)
        let ring = outer - inner
        fill(PixelRect(x: o.x, y: o.y, width: o.width, height: ring), with: colour)  // top
        fill(PixelRect(x: o.x, y: i.maxY, width: o.width, height: ring), with: colour)  // bottom
        fill(PixelRect(x: o.x, y: i.y, width: ring, height: i.height), with: colour)  // left
        fill(PixelRect(x: i.maxX, y: i.y, width: ring, height: i.height), with: colour)  // right
    }
}

extension PixelRect {
    /// The rectangle grown by `amount` pixels on every side.
    fileprivate func expanded(by amount: Int) -> PixelRect {
        PixelRect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }
}
