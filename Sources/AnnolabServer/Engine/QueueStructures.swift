// Small containers the work queue is built from: compact fresh ids, a sorted id set, an expiry heap.
import Foundation

/// Ids of microtasks nobody has had yet, in order, kept as runs of consecutive ids: an import of a
/// million microtasks is one run of a few bytes. Taking the first is O(1).
struct FreshIds: Sendable {
    private struct Run: Sendable {
        var first: Int64
        var count: Int
    }

    private var runs: [Run] = []
    /// Runs before this index are used up; they are dropped now and then, not on every take.
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(first: Int64, count added: Int) {
        guard added > 0 else { return }
        if let last = runs.indices.last, last >= head, runs[last].first + Int64(runs[last].count) == first {
            runs[last].count += added
        } else {
            runs.append(Run(first: first, count: added))
        }
        count += added
    }

    mutating func append(_ id: Int64) { append(first: id, count: 1) }

    mutating func popFirst() -> Int64? {
        guard head < runs.count else { return nil }
        let id = runs[head].first
        runs[head].first += 1
        runs[head].count -= 1
        count -= 1
        if runs[head].count == 0 {
            head += 1
            if head > 64, head * 2 > runs.count {
                runs.removeFirst(head)
                head = 0
            }
        }
        return id
    }

    /// Takes one id out wherever it is (a microtask that became gold). O(runs).
    mutating func remove(_ id: Int64) -> Bool {
        for index in head..<runs.count {
            let run = runs[index]
            guard id >= run.first, id < run.first + Int64(run.count) else { continue }
            let before = Int(id - run.first)
            let after = run.count - before - 1
            var replacement: [Run] = []
            if before > 0 { replacement.append(Run(first: run.first, count: before)) }
            if after > 0 { replacement.append(Run(first: id + 1, count: after)) }
            runs.replaceSubrange(index...index, with: replacement)
            count -= 1
            return true
        }
        return false
    }
}

/// Ids in ascending order, with binary-search insert and remove. It holds the started microtasks
/// that still have a free place, which in a working lab are a few per operator.
struct SortedIds: Sendable {
    private(set) var ids: [Int64] = []

    var count: Int { ids.count }

    private func position(of id: Int64) -> Int {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    mutating func insert(_ id: Int64) {
        let index = position(of: id)
        if index < ids.count, ids[index] == id { return }
        ids.insert(id, at: index)
    }

    mutating func remove(_ id: Int64) {
        let index = position(of: id)
        if index < ids.count, ids[index] == id { ids.remove(at: index) }
    }

    func contains(_ id: Int64) -> Bool {
        let index = position(of: id)
        return index < ids.count && ids[index] == id
    }
}

/// Lease expiry times, earliest first: when a lease runs out without an answer, its place goes
/// back to the queue at the next pick. Entries of leases that ended earlier are skipped when
/// they come up, and swept out when they outnumber the live leases, so memory stays with the live ones.
struct ExpiryHeap: Sendable {
    struct Entry: Sendable {
        var at: Date
        var assignmentId: Int64
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }

    var first: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].at < entries[parent].at else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        siftDown(from: 0)
        return top
    }

    /// Keeps only the entries `keep` says are still wanted, in heap order again.
    mutating func sweep(keep: (Entry) -> Bool) {
        entries.removeAll { !keep($0) }
        for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].at < entries[smallest].at { smallest = left }
            if right < entries.count, entries[right].at < entries[smallest].at { smallest = right }
            guard smallest != parent else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
