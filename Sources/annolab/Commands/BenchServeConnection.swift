// One operator's connection in the bench's load: its state, its requests as bytes, and what a run is asked to do.
import Foundation

/// What one timed run of the operator loop is asked to do.
struct LoadPlan: Sendable {
    var seconds: Double
    var windowSeconds: Double
    /// The share of served tasks whose lease is left unanswered (a browser closed).
    var abandon: Double
    /// Start no new loop after this many: a small baseline store must not run dry.
    var loopCap: Int?
    /// Also keep `next`'s latencies of the run's first loops apart (as many as the baseline's),
    /// so that the comparison with the baseline is of equal loads from an equal start.
    var earlyLoops: Int?
    /// Printed before each window line ("main", "baseline").
    var label: String
    /// Print each window's loops/s to stderr as it ends.
    var printWindows: Bool
    /// The server's CPU seconds so far, read at each window's end: whether a slower window
    /// came from a server that does more per loop or from one that got less of the machine.
    var serverCPU: (@Sendable () -> Double)? = nil
}

/// Badges of operators who have not worked yet, in order; when none are left the earliest
/// come round again (their own abandoned leases still count as theirs).
final class BadgePool {
    private let badges: [String]
    private var cursor = 0
    private(set) var wrapped = false

    init(_ badges: [String]) {
        precondition(!badges.isEmpty, "a run needs at least one operator")
        self.badges = badges
    }

    func take() -> String {
        if cursor == badges.count {
            cursor = 0
            wrapped = true
        }
        defer { cursor += 1 }
        return badges[cursor]
    }
}

/// One operator's connection, and where it is in the loop
/// (sign in -> start shift -> next -> answer -> next ...).
final class OperatorConnection {
    enum Step { case signingIn, startingShift, ready, asking, answering, done }

    let tag: Int
    var socket: Int32 = -1
    var step = Step.ready
    var reader = ResponseReader()
    /// `Authorization: Bearer <token>\r\n` of the operator signed in on this connection.
    private var authorization: [UInt8] = []
    /// `GET /api/v1/tasks/next` for the operator signed in, made once per sign-in.
    private(set) var nextRequest: [UInt8] = []
    /// The whole request in flight, kept to send again on a new connection if this one breaks.
    var inFlight: [UInt8] = []
    var written = 0
    var wantsWrite = false
    var sentAt: UInt64 = 0
    var loopStartedAt: UInt64 = 0
    /// The first loop of each connection warms it up and is left out of the latencies.
    var timed = false
    /// Which loop of the run this connection is in (counted over all connections, from 1).
    var loopNumber = 0
    var failuresInRow = 0

    init(tag: Int) { self.tag = tag }

    func signIn(token: [UInt8]) {
        authorization = Self.bearer + token + [13, 10]
        nextRequest = request("GET", "/api/v1/tasks/next")
    }

    func signOut() {
        authorization = []
        nextRequest = []
    }

    func request(_ method: String, _ path: String, body: [UInt8]? = nil) -> [UInt8] {
        var bytes = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        bytes += authorization
        if let body {
            bytes += Array("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
            bytes += body
        } else {
            bytes += [13, 10]
        }
        return bytes
    }

    /// `POST /api/v1/assignments/{id}/answer` with choice A for even ids and B for odd ones,
    /// put together from bytes made once: it is sent on every loop.
    func answerRequest(assignmentId id: Int) -> [UInt8] {
        var bytes = Self.answerStart
        bytes.reserveCapacity(Self.answerStart.count + 20 + Self.answerMiddle.count + authorization.count + Self.answerEnd.count + 1)
        bytes += Array(String(id).utf8)
        bytes += Self.answerMiddle
        bytes += authorization
        bytes += Self.answerEnd
        bytes += [id % 2 == 0 ? UInt8(ascii: "A") : UInt8(ascii: "B")] + Self.answerClose
        return bytes
    }

    private static let bearer = Array("Authorization: Bearer ".utf8)
    private static let answerStart = Array("POST /api/v1/assignments/".utf8)
    private static let answerMiddle = Array("/answer HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
    private static let answerBody = #"{"answer":{"choice":"A"}}"#
    private static let answerEnd = Array("Content-Type: application/json\r\nContent-Length: \(answerBody.utf8.count)\r\n\r\n{\"answer\":{\"choice\":\"".utf8)
    private static let answerClose = Array("\"}}".utf8)
}

/// A small, fast, seeded random source, so that runs abandon the same share in the same order.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
