// How the server process keeps memory it has freed, instead of handing it back at once.
#if canImport(Glibc)
import Glibc
#endif

/// The C library gives freed memory back to the system as soon as a heap's free top passes
/// 128 KB, and every request allocates and frees. Under load that was hundreds of `madvise`
/// calls a second, each followed by page faults when the memory was taken again. The server
/// keeps up to 16 MB free per heap instead, and serves allocations up to 1 MB from its heaps.
enum FreedMemory {
    static let keepFreeBytes: Int32 = 16 << 20
    static let heapAllocationLimit: Int32 = 1 << 20
    /// `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` of glibc's `<malloc.h>`, which Swift's Glibc module leaves out.
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3

    /// Applies the setting to this process (glibc only); calling it again is harmless.
    static func keep() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(trimThreshold, keepFreeBytes)
        _ = mallopt(mmapThreshold, heapAllocationLimit)
        #endif
    }
}
