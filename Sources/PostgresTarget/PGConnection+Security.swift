import CLibPQ
import Foundation

extension PGConnection {
    /// What protects a connection: TLS or GSSAPI encryption, and whether the server's certificate was checked.
    public struct Security: Sendable, Equatable {
        /// True when the connection is encrypted with TLS (`PQsslInUse`).
        public let tls: Bool
        /// True when the connection is encrypted with GSSAPI (`PQgssEncInUse`).
        public let gss: Bool
        /// The TLS protocol version (`TLSv1.3`) when TLS is in use.
        public let tlsVersion: String?
        /// The connection's `sslmode`, from `disable` to `verify-full`.
        public let sslmode: String
        /// True when a root certificate file is there for libpq to check the server's against
        /// (`sslrootcert`, or `~/.postgresql/root.crt`); with `sslmode=require` libpq then checks the
        /// certificate as `verify-ca` does.
        public let rootCertificate: Bool
        /// The host name connected to (a socket folder for a Unix socket).
        public let host: String

        public init(tls: Bool, gss: Bool, tlsVersion: String?, sslmode: String, rootCertificate: Bool, host: String) {
            self.tls = tls
            self.gss = gss
            self.tlsVersion = tlsVersion
            self.sslmode = sslmode
            self.rootCertificate = rootCertificate
            self.host = host
        }

        /// True when the connection is encrypted, by TLS or GSSAPI.
        public var encrypted: Bool { tls || gss }

        /// True when the server's certificate was checked against a trusted CA (`verify-ca`,
        /// `require` with a root certificate), or its name too (`verify-full`).
        public var certificateVerified: Bool {
            tls && (sslmode == "verify-ca" || sslmode == "verify-full" || (sslmode == "require" && rootCertificate))
        }

        /// True for a Unix socket or a loopback name or address: the target is on this machine.
        ///
        /// Judged by the host name (what `verify-full` checks), not by `hostaddr`.
        public var isLocal: Bool {
            host.hasPrefix("/") || host.hasPrefix("@") || host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    /// The connection's security, as libpq reports it.
    public var security: Security {
        let tls = PQsslInUse(handle) == 1
        let version = tls ? PQsslAttribute(handle, "protocol").map { String(cString: $0) } : nil
        var mode = "prefer"
        var rootCertificate = ""
        if let options = PQconninfo(handle) {
            defer { PQconninfoFree(options) }
            var option = options
            while let keyword = option.pointee.keyword {
                let value = option.pointee.val.map { String(cString: $0) }
                switch String(cString: keyword) {
                case "sslmode": mode = value ?? mode
                case "sslrootcert": rootCertificate = value ?? ""
                default: break
                }
                option += 1
            }
        }
        if rootCertificate.isEmpty { rootCertificate = NSHomeDirectory() + "/.postgresql/root.crt" }
        return Security(
            tls: tls, gss: PQgssEncInUse(handle) == 1, tlsVersion: version, sslmode: mode,
            rootCertificate: FileManager.default.fileExists(atPath: rootCertificate), host: PQhost(handle).map { String(cString: $0) } ?? "")
    }
}
