// How a programme's candidate frames are grouped into choices of 3 or 4.
@testable import AnnolabMedia
import Testing

@Suite("Thumbnail choices from a programme's candidate frames")
struct ProgrammePreparerTests {
    @Test("frames are split into choices of 3 to the template's size, leaving frames out only when no split takes them all")
    func groups() {
        func sizes(_ count: Int, _ size: Int) -> [Int] { ProgrammePreparer.groups(of: count, size: size).map(\.count) }
        #expect(sizes(12, 4) == [4, 4, 4])
        #expect(sizes(10, 4) == [4, 3, 3])
        #expect(sizes(5, 4) == [4], "no split of 5 into 3 or 4 takes all: the fifth is left out")
        #expect(sizes(5, 3) == [3])
        #expect(sizes(7, 4) == [4, 3])
        #expect(sizes(9, 3) == [3, 3, 3])
        #expect(sizes(3, 4) == [3])
        #expect(sizes(2, 4) == [])
        // Every frame is in exactly one choice, in order, when a split takes them all.
        let ranges = ProgrammePreparer.groups(of: 11, size: 4)
        #expect(ranges.flatMap { Array($0) } == Array(0..<11))
    }
}
