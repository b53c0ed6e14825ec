// What one timed run of the operator loop measured: latencies, loops per window, errors, CPU.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Latencies in microseconds, counted in buckets of about 1.5% width.
///
/// A five-minute soak at 10,000 loops per second takes 3 million samples of each kind; a
/// histogram of 2,300 counters keeps them in 18 KB and reads any percentile in one pass.
/// Below 128 µs every microsecond has its own bucket; above, each power of two has 64.
struct LatencyHistogram {
    private var counts = [Int](repeating: 0, count: 128 + 40 * 64)
    private(set) var total = 0

    mutating func record(nanoseconds: UInt64) {
        counts[Self.bucket(nanoseconds / 1_000)] += 1
        total += 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
    }

    /// The value in milliseconds below which a share `p` of the samples lie (nearest rank).
    func percentile(_ p: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((p * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return Self.middle(of: index) / 1_000 }
        }
        return 0
    }

    private static func bucket(_ micros: UInt64) -> Int {
        if micros < 128 { return Int(micros) }
        let power = 63 - micros.leadingZeroBitCount              // 7 or more
        let index = 128 + (power - 7) * 64 + Int(micros >> UInt64(power - 6)) - 64
        return min(index, 128 + 40 * 64 - 1)
    }

    private static func middle(of index: Int) -> Double {
        if index < 128 { return Double(index) + 0.5 }
        let power = (index - 128) / 64 + 7
        let step = Double(UInt64(1) << UInt64(power - 6))
        return (Double((index - 128) % 64 + 64) + 0.5) * step
    }
}

/// Everything one run of the loop against one server measured.
struct LoadRun {
    var loops = 0
    var errors = 0
    var abandoned = 0
    var signIns = 0
    var noWork = 0
    var elapsed = 0.0
    var loop = LatencyHistogram()
    var next = LatencyHistogram()
    var answer = LatencyHistogram()
    /// `next` in the run's first ``LoadPlan/earlyLoops`` loops.
    var earlyNext = LatencyHistogram()
    /// Loops finished in each full window, then the part of a window the run ended in.
    var windowLoops: [Int] = []
    var windowSeconds = 10.0
    var benchCPU = 0.0
    var serverCPU = 0.0
    /// The server after start and sign-ins, before the load (read in the first run only).
    var rest: Rest?

    struct Rest {
        var residentMB: Double
        /// The peak (VmHWM) of the start and sign-ins.
        var startPeakMB: Double
        /// Whether the peak was started again from here, so that the peak read later is the load's.
        var peakReset: Bool
    }

    var loopsPerSecond: Double { elapsed > 0 ? Double(loops) / elapsed : 0 }

    /// Loops per second in each full window.
    func fullWindows(runSeconds: Double) -> [Double] {
        let full = Int(runSeconds / windowSeconds)
        return windowLoops.prefix(full).map { Double($0) / windowSeconds }
    }

    /// The first and last full window's loops/s (the whole run when it is shorter than a window).
    func firstAndLast(runSeconds: Double) -> (first: Double, last: Double) {
        let windows = fullWindows(runSeconds: runSeconds)
        guard let first = windows.first, let last = windows.last else { return (loopsPerSecond, loopsPerSecond) }
        return (first, last)
    }
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// CPU seconds (user and system) this process has used so far, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Nanoseconds on the monotonic clock.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
