import Migration
import PostgresTarget
import XCTest

/// The connection line and warning for each way a target can be reached.
final class SecurityTextTests: XCTestCase {
    func security(tls: Bool = false, gss: Bool = false, mode: String, root: Bool = false, host: String) -> PGConnection.Security {
        PGConnection.Security(tls: tls, gss: gss, tlsVersion: tls ? "TLSv1.3" : nil, sslmode: mode, rootCertificate: root, host: host)
    }

    func testThisMachineNeedsNoWarning() {
        let socket = security(mode: "prefer", host: "/var/run/postgresql")
        XCTAssertTrue(socket.isLocal)
        XCTAssertEqual(socket.line, "not encrypted (sslmode=prefer), to a Unix socket on this machine")
        XCTAssertNil(socket.warning)
        for host in ["localhost", "127.0.0.1", "::1"] {
            XCTAssertNil(security(mode: "disable", host: host).warning, host)
        }
    }

    func testAnotherMachineWithoutEncryptionOrVerificationIsWarned() {
        let clear = security(mode: "prefer", host: "db.example.com")
        XCTAssertFalse(clear.isLocal)
        XCTAssertEqual(clear.line, "not encrypted (sslmode=prefer), to db.example.com")
        XCTAssertTrue(clear.warning?.hasPrefix("warning: the connection to db.example.com is not encrypted") ?? false)
        let unverified = security(tls: true, mode: "require", host: "db.example.com")
        XCTAssertEqual(unverified.line, "encrypted (TLSv1.3), server certificate NOT verified (sslmode=require), to db.example.com")
        XCTAssertTrue(unverified.warning?.contains("add sslmode=verify-full (and sslrootcert=CA-FILE) to --target") ?? false)
    }

    func testVerifiedConnectionsAreNotWarned() {
        for mode in ["verify-ca", "verify-full"] {
            let verified = security(tls: true, mode: mode, host: "db.example.com")
            XCTAssertTrue(verified.certificateVerified)
            XCTAssertNil(verified.warning)
        }
        // libpq checks the certificate as verify-ca does when a root certificate is there.
        XCTAssertNil(security(tls: true, mode: "require", root: true, host: "db.example.com").warning)
        // GSSAPI encrypts without a certificate.
        let gss = security(gss: true, mode: "prefer", host: "db.example.com")
        XCTAssertEqual(gss.line, "encrypted (GSSAPI), to db.example.com")
        XCTAssertNil(gss.warning)
    }
}
