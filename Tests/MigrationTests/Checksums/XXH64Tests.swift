import XCTest

@testable import Migration

final class XXH64Tests: XCTestCase {
    func hash(_ s: String, seed: UInt64 = 0) -> UInt64 {
        Array(s.utf8).withUnsafeBytes { XXH64.hash($0, seed: seed) }
    }

    /// Reference values of the xxHash64 specification's implementation.
    func testKnownVectors() {
        XCTAssertEqual(hash(""), 0xEF46_DB37_51D8_E999)
        XCTAssertEqual(hash("a"), 0xD24E_C4F1_A98C_6E5B)
        XCTAssertEqual(hash("abc"), 0x44BC_2CF5_AD77_0999)
        XCTAssertEqual(hash("Nobody inspects the spammish repetition"), 0xFBCE_A83C_8A37_8BF1)
    }

    func testEveryLengthPathDiffers() {
        // Lengths around the 4-, 8- and 32-byte paths all give distinct hashes, and seeds matter.
        var seen: Set<UInt64> = []
        for n in 0...70 { seen.insert(hash(String(repeating: "x", count: n))) }
        XCTAssertEqual(seen.count, 71)
        XCTAssertNotEqual(hash("abc", seed: 1), hash("abc"))
    }
}

final class XXH64StreamTests: XCTestCase {
    /// Any split of the input gives the one-shot hash.
    func testStreamEqualsOneShot() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let expected = bytes.withUnsafeBytes { XXH64.hash($0) }
            for _ in 0..<5 {
                var stream = XXH64.Stream()
                var i = 0
                while i < length {
                    let n = Int.random(in: 1...max(1, length - i), using: &rng)
                    bytes[i..<(i + n)].withUnsafeBytes { stream.update($0) }
                    i += n
                }
                XCTAssertEqual(stream.finalize(), expected, "length \(length)")
            }
        }
    }
}
