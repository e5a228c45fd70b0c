import CLibPQ

extension PGConnection {
    /// What protects a connection: TLS or not, and whether the server's certificate was checked.
    public struct Security: Sendable, Equatable {
        /// True when the connection is encrypted (`PQsslInUse`).
        public let encrypted: Bool
        /// The TLS protocol version (`TLSv1.3`) when encrypted.
        public let tlsVersion: String?
        /// The connection's `sslmode`, from `disable` to `verify-full`.
        public let sslmode: String
        /// The host name connected to (a socket folder for a Unix socket).
        public let host: String

        /// True when the server's certificate was checked against a trusted CA (`verify-ca`),
        /// and its name against the host (`verify-full`).
        public var certificateVerified: Bool { encrypted && (sslmode == "verify-ca" || sslmode == "verify-full") }

        /// True for a Unix socket or a loopback name or address: the target is on this machine.
        ///
        /// Judged by the host name (what `verify-full` checks), not by `hostaddr`.
        public var isLocal: Bool {
            host.hasPrefix("/") || host.hasPrefix("@") || host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    /// The connection's security, as libpq reports it.
    public var security: Security {
        let encrypted = PQsslInUse(handle) == 1
        let version = encrypted ? PQsslAttribute(handle, "protocol").map { String(cString: $0) } : nil
        var mode = "prefer"
        if let options = PQconninfo(handle) {
            defer { PQconninfoFree(options) }
            var option = options
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == "sslmode", let value = option.pointee.val { mode = String(cString: value) }
                option += 1
            }
        }
        return Security(encrypted: encrypted, tlsVersion: version, sslmode: mode, host: PQhost(handle).map { String(cString: $0) } ?? "")
    }
}
