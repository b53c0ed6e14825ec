// The limits an uploaded ZIP archive must stay within, so that one upload cannot fill the server.

/// Limits for reading a client's ZIP upload.
///
/// The defaults suit a dataset of a few thousand images or clips. A zip bomb is caught three ways:
/// the declared sizes against `maxEntryBytes` and `maxTotalBytes`, the declared compression ratio
/// against `maxCompressionRatio`, and, while expanding, a hard cap on the bytes actually produced
/// (the declared size may be a lie).
///
/// ```swift
/// var limits = ZipLimits()
/// limits.maxEntries = 500
/// let listing = try ZipListing.read(upload, limits: limits)
/// ```
public struct ZipLimits: Sendable, Hashable {
    /// Most entries in the central directory, directories included.
    public var maxEntries: Int
    /// Most bytes all extracted files may add up to.
    public var maxTotalBytes: Int
    /// Most bytes one extracted file may have.
    public var maxEntryBytes: Int
    /// Highest allowed ratio of expanded to packed size for one entry (200 means 200:1).
    public var maxCompressionRatio: Double
    /// Entries that expand to fewer bytes than this are not checked for their ratio: a small
    /// file of silence or blank text packs very tightly and is harmless.
    public var ratioCheckFromBytes: Int

    public init(
        maxEntries: Int = 10_000,
        maxTotalBytes: Int = 2 << 30,
        maxEntryBytes: Int = 512 << 20,
        maxCompressionRatio: Double = 200,
        ratioCheckFromBytes: Int = 1 << 20
    ) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxEntryBytes = maxEntryBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckFromBytes = ratioCheckFromBytes
    }
}
