// The work queue at a lab's size: what it holds stays with the live work, not with the work done.
@testable import AnnolabServer
import AnnolabCore
import AnnolabStore
import Foundation
import Testing

@Suite("Work queue")
struct WorkQueueTests {
    static let start = Date(timeIntervalSince1970: 1_772_434_800)

    /// A queue with one choice project of `count` microtasks nobody has had (ids 1...count), `overlap` answers each.
    static func queue(count: Int, overlap: Int = 3) -> WorkQueue {
        let queue = WorkQueue()
        let project = Project(id: 1, clientId: 1, name: "Stills", template: .choice, labels: ["A", "B"], overlap: overlap,
                              adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: start)
        queue.load(OpenWork(projects: [project], fresh: [FreshRun(projectId: 1, kind: .choice, first: 1, count: count)],
                            started: [], assignments: [], answers: []), now: start)
        return queue
    }

    /// One operator loop as the engine runs it: reserve, store the lease, then answer or leave it.
    /// Returns the assignment id, or nil when there was no work.
    @discardableResult
    static func serve(_ queue: WorkQueue, operatorId: Int64, assignmentId: Int64, now: Date,
                      answer: Bool = true, lease: TimeInterval = 600) -> Int64? {
        guard let reservation = queue.reserve(operatorId: operatorId, kinds: [], now: now,
                                              leaseUntil: now.addingTimeInterval(lease)) else { return nil }
        let payload = reservation.payload == nil ? WorkQueue.Payload(json: #"{"options":["A","B"]}"#) : nil
        queue.registerLease(.init(assignmentId: assignmentId, taskId: reservation.taskId, operatorId: operatorId, leasedAt: now,
                                  expiresAt: now.addingTimeInterval(lease), state: .leased),
                            payload: payload, requiredAnswers: nil, now: now)
        guard answer else { return assignmentId }
        guard case .answering = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now) else {
            Issue.record("assignment \(assignmentId) could not be answered")
            return nil
        }
        let counted = queue.countAnswer(assignmentId: assignmentId, answer: AnswerBody(choice: "A"), now: now) { task, answers in
            .init(required: task.required, done: answers.count >= task.required)
        }
        #expect(counted != nil)
        queue.finishAnswer(assignmentId: assignmentId, now: now)
        return assignmentId
    }

    @Test("a lease moves only along its states: leased, answering, then answered, released or expired")
    func leaseStates() {
        #expect(LeaseState.leased.canMove(to: .answering))
        #expect(LeaseState.leased.canMove(to: .released))
        #expect(LeaseState.leased.canMove(to: .expired))
        #expect(!LeaseState.leased.canMove(to: .answered), "an answer is always begun first")
        #expect(LeaseState.answering.canMove(to: .answered))
        #expect(LeaseState.answering.canMove(to: .leased), "an answer that was not stored gives the lease back")
        #expect(!LeaseState.answering.canMove(to: .expired), "a lease being answered keeps its place")
        for final in [LeaseState.answered, .released, .expired] {
            for next in LeaseState.allCases { #expect(!final.canMove(to: next), "\(final) is final") }
        }
        var lease = WorkQueue.Lease(assignmentId: 1, taskId: 1, operatorId: 1, leasedAt: Self.start, expiresAt: Self.start,
                                    state: .answered)
        let moved = lease.move(to: .leased)
        #expect(!moved)
        #expect(lease.state == .answered)
    }

    @Test("the store's five states of a lease say the same as the queue's: a skip is a release with a reason")
    func storedStates() {
        #expect(Assignment.State.allCases.map(\.rawValue) == ["leased", "answered", "skipped", "expired", "released"],
                "the same values as the assignment table's CHECK")
        #expect(Assignment.State.allCases.map(LeaseState.init) == [.leased, .answered, .released, .expired, .released])
    }

    @Test("a finished microtask leaves memory, and so does every answered lease")
    func finishedWorkLeavesMemory() {
        let queue = Self.queue(count: 3_000)
        var assignment: Int64 = 0
        var now = Self.start
        // 12 operators, each answering in turn until the project is done: 3,000 x 3 answers.
        while true {
            var served = 0
            for operatorId in Int64(1)...12 {
                assignment += 1
                if Self.serve(queue, operatorId: operatorId, assignmentId: assignment, now: now) != nil { served += 1 }
            }
            now = now.addingTimeInterval(1)
            if served == 0 { break }
        }
        #expect(assignment >= 9_000)
        let size = queue.size()
        #expect(size == WorkQueue.Size(active: 0, leases: 0, expiries: size.expiries, fresh: 0), "\(size)")
        // Expiry entries of answered leases are swept once they outnumber the live ones.
        #expect(size.expiries <= 1_024 + 1, "\(size.expiries) expiry entries kept for no live lease")
    }

    @Test("leases left behind by closed browsers do not pile up what the queue looks through")
    func abandonedLeases() {
        let queue = Self.queue(count: 200_000)
        var assignment: Int64 = 0
        var now = Self.start
        var operatorIds = Array(Int64(1)...64)
        var nextOperator: Int64 = 65
        var largestOpen = 0, largestActive = 0
        // 64 operators, 20,000 loops; one lease in 50 is never answered, and that operator leaves
        // (a browser closed) for a new one, as in a lab that works all day.
        for round in 0..<20_000 {
            let slot = round % 64
            assignment += 1
            let abandon = round % 50 == 49
            #expect(Self.serve(queue, operatorId: operatorIds[slot], assignmentId: assignment, now: now, answer: !abandon) != nil)
            if abandon {
                operatorIds[slot] = nextOperator
                nextOperator += 1
            }
            if round % 64 == 63 { now = now.addingTimeInterval(1) }
            let open = queue.state.withLock { $0.projects[1]?.open.count ?? 0 }
            largestOpen = max(largestOpen, open)
            largestActive = max(largestActive, queue.size().active)
        }
        // Started microtasks with a free place stay about one per operator, however many leases were left:
        // 400 abandoned leases hold 400 microtasks in memory, but never in the set every pick looks through.
        #expect(largestOpen <= 3 * 64, "the open set grew to \(largestOpen)")
        #expect(largestActive <= 400 + 3 * 64, "\(largestActive) microtasks held in memory")
        #expect(queue.size().leases <= 400 + 64 * 3)
    }

    @Test("a lease that runs out gives its place back at the next pick, and the late answer is still taken if nobody needs it")
    func expiryGivesPlaceBack() {
        let queue = Self.queue(count: 1, overlap: 1)
        let now = Self.start
        #expect(Self.serve(queue, operatorId: 1, assignmentId: 1, now: now, answer: false, lease: 60) != nil)
        #expect(queue.reserve(operatorId: 2, kinds: [], now: now.addingTimeInterval(59), leaseUntil: now.addingTimeInterval(659)) == nil,
                "the only place is held")
        let later = now.addingTimeInterval(61)
        guard case .answering = queue.beginAnswer(assignmentId: 1, operatorId: 1, now: later) else {
            Issue.record("a run-out lease nobody took may still be answered")
            return
        }
        queue.cancelAnswer(assignmentId: 1, now: later)
        let reservation = queue.reserve(operatorId: 2, kinds: [], now: later, leaseUntil: later.addingTimeInterval(600))
        #expect(reservation?.taskId == 1, "the run-out place went back to the queue")
    }

    @Test("fresh ids are kept as runs, taken in order, and one can be taken out of the middle")
    func freshIds() {
        var fresh = FreshIds()
        fresh.append(first: 10, count: 1_000_000)
        fresh.append(first: 1_000_010, count: 5)
        fresh.append(7)
        #expect(fresh.count == 1_000_006)
        let removed = fresh.remove(11), removedAgain = fresh.remove(11)
        #expect(removed && !removedAgain)
        #expect(fresh.popFirst() == 10)
        #expect(fresh.popFirst() == 12)
        #expect(fresh.count == 1_000_003)
        var last: Int64 = 0
        while let id = fresh.popFirst() { last = id }
        #expect(last == 7 && fresh.isEmpty)
    }

    @Test("the expiry heap gives leases back earliest first")
    func expiryHeap() {
        var heap = ExpiryHeap()
        for (index, offset) in [50, 10, 40, 20, 30, 10].enumerated() {
            heap.push(.init(at: Self.start.addingTimeInterval(Double(offset)), assignmentId: Int64(index)))
        }
        heap.sweep { $0.assignmentId != 4 }
        var order: [Double] = []
        while let entry = heap.popFirst() { order.append(entry.at.timeIntervalSince(Self.start)) }
        #expect(order == [10, 10, 20, 40, 50])
    }
}
