// Wages are read and written as euros and cents, exactly, and odd spellings are refused.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Amounts of money")
struct MoneyTests {
    @Test("15.50, 15.5 and 15 are read exactly", arguments: [("15.50", 1550), ("15.5", 1550), ("15", 1500),
                                                           ("0.05", 5), ("0", 0), ("14.71", 1471), ("1000000", 100_000_000)])
    func reads(text: String, cents: Int) {
        #expect(Money(text)?.cents == cents)
    }

    @Test("comma decimals, signs, three decimals, separators and words are refused",
          arguments: ["15,50", "-1", "1.234", "abc", "", ".5", "15.", "1,000", "1 000", " 15", "15 ", "+15",
                      "1e3", "15.5.0", "１５", "٣", "0x10", "15.-5", "9999999999999999"])
    func refuses(text: String) {
        #expect(Money(text) == nil)
    }

    @Test("an amount is written with two decimals")
    func writes() {
        #expect(Money(cents: 1550).description == "15.50")
        #expect(Money(cents: 5).description == "0.05")
        #expect(Money(cents: 0).description == "0.00")
        #expect(Money(cents: 147_100).description == "1471.00")
        #expect(Money(cents: -320).description == "-3.20")
        #expect(Money("15.5")!.description == "15.50")
    }

    @Test("in JSON an amount is a string, never a number")
    func codable() throws {
        let json = try JSONEncoder().encode(["hourly": Money(cents: 1550)])
        #expect(String(decoding: json, as: UTF8.self) == #"{"hourly":"15.50"}"#)
        #expect(try JSONDecoder().decode(Money.self, from: Data(#""14.71""#.utf8)) == Money(cents: 1471))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Money.self, from: Data("15.5".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Money.self, from: Data(#""15,50""#.utf8)) }
    }

    @Test("a refused amount tells the person how to write it")
    func parseError() {
        #expect(throws: LabError(.badRequest, "invalid_money",
                                 "The hourly rate \"15,50\" is not an amount in euros. Write it with a point and at most two decimals, for example 15.50.")) {
            try Money.parse("15,50", field: "hourly rate")
        }
        #expect((try? Money.parse("15.50")) == Money(cents: 1550))
    }

    @Test("amounts compare and add by the cent")
    func arithmetic() {
        #expect(Money("14.00")! < Money("14.71")!)
        #expect(Money("0.10")! + Money("0.20")! == Money("0.30")!)
        #expect(Money("1.00")! - Money("0.01")! == Money("0.99")!)
    }

    @Test("scaling rounds half up to the cent, on both sides of zero")
    func scaling() {
        #expect(Money.scaled(cents: 100, by: 18, over: 3600) == Money(cents: 1))    // 0.5 cent
        #expect(Money.scaled(cents: 100, by: 17, over: 3600) == Money(cents: 0))    // 0.47 cent
        #expect(Money.scaled(cents: -100, by: 18, over: 3600) == Money(cents: -1))
        #expect(Money.scaled(cents: 1550, by: 14_400, over: 3600) == Money(cents: 6200))
        // Large products do not overflow on the way.
        #expect(Money.scaled(cents: Int.max / 2, by: 4, over: 4) == Money(cents: Int.max / 2))
    }
}
