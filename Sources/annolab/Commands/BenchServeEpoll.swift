// Linux epoll for the bench's one-thread event loop, called in glibc by name.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An epoll instance: which sockets can be read or written now.
///
/// Swift's Glibc module leaves out `<sys/epoll.h>`, and the package has no C target the bench
/// may use for it, so the three calls are looked up in glibc by name (`dlsym`) and the event
/// record is laid out by hand: packed, 12 bytes, on x86_64; 16 bytes, aligned, elsewhere.
final class Epoll {
    private typealias Create = @convention(c) (Int32) -> Int32
    private typealias Control = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias Wait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32

    static let readable: UInt32 = 0x001
    static let writable: UInt32 = 0x004
    static let failed: UInt32 = 0x008
    static let hungUp: UInt32 = 0x010

    #if arch(x86_64)
    private static let eventSize = 12, dataOffset = 4
    #else
    private static let eventSize = 16, dataOffset = 8
    #endif

    private let control: Control
    private let wait: Wait
    private let descriptor: Int32
    private var events: UnsafeMutableRawPointer
    private let capacity: Int

    init(capacity: Int = 1024) throws {
        let glibc = dlopen(nil, RTLD_NOW)
        guard let create = dlsym(glibc, "epoll_create1"), let control = dlsym(glibc, "epoll_ctl"),
              let wait = dlsym(glibc, "epoll_wait") else {
            throw CommandFailure(description: "This system has no epoll; bench serve runs on Linux only.")
        }
        self.control = unsafeBitCast(control, to: Control.self)
        self.wait = unsafeBitCast(wait, to: Wait.self)
        descriptor = unsafeBitCast(create, to: Create.self)(Int32(O_CLOEXEC))
        guard descriptor >= 0 else { throw CommandFailure(description: "epoll_create1 failed: errno \(errno)") }
        self.capacity = capacity
        events = UnsafeMutableRawPointer.allocate(byteCount: capacity * Self.eventSize, alignment: 8)
    }

    deinit {
        events.deallocate()
        close(descriptor)
    }

    /// Watches `socket` for `interest`; `tag` comes back with each of its events.
    func add(_ socket: Int32, interest: UInt32, tag: Int) { change(1, socket, interest, tag) }
    func modify(_ socket: Int32, interest: UInt32, tag: Int) { change(3, socket, interest, tag) }
    func remove(_ socket: Int32) { change(2, socket, 0, 0) }

    private func change(_ operation: Int32, _ socket: Int32, _ interest: UInt32, _ tag: Int) {
        var record = [UInt8](repeating: 0, count: Self.eventSize)
        record.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: interest, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt64(tag), toByteOffset: Self.dataOffset, as: UInt64.self)
            _ = control(descriptor, operation, socket, raw.baseAddress)
        }
    }

    /// Waits up to `milliseconds` for events and calls `body(tag, events)` for each.
    func poll(milliseconds: Int32, _ body: (Int, UInt32) -> Void) {
        let count = wait(descriptor, events, Int32(capacity), milliseconds)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let record = events + index * Self.eventSize
            let flags = record.loadUnaligned(as: UInt32.self)
            let tag = record.loadUnaligned(fromByteOffset: Self.dataOffset, as: UInt64.self)
            body(Int(tag), flags)
        }
    }
}
