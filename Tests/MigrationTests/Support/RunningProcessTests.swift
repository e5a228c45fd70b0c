import Foundation
import TestSupport
import XCTest

/// A child process that outlives its bound is killed and fails the test with what it printed.
final class RunningProcessTests: XCTestCase {
    func testAChildPastItsBoundIsKilledAndReported() throws {
        let started = Date()
        XCTAssertThrowsError(try ProcessResult.run("/bin/sh", ["-c", "echo started; sleep 60"], timeout: 1)) { error in
            guard let timedOut = error as? ChildTimedOut else { return XCTFail("\(error)") }
            XCTAssertEqual(timedOut.stdout, "started\n")
            XCTAssertTrue(timedOut.description.contains("/bin/sh -c echo started; sleep 60 was still running after 1 s and was killed."))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testAChildWithinItsBoundReturnsItsStatusAndOutput() throws {
        let result = try ProcessResult.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], timeout: 30)
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual(result.stdout, "out\n")
        XCTAssertEqual(result.stderr, "err\n")
    }
}
