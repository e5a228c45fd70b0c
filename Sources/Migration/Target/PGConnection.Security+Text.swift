import PostgresTarget

extension PGConnection.Security {
    /// One line on how the connection is protected, for the dry run and the import's summary.
    public var line: String {
        let place = isLocal ? (host.hasPrefix("/") ? "a Unix socket on this machine" : "this machine (\(host))") : host
        if gss && !tls { return "encrypted (GSSAPI), to \(place)" }
        guard tls else { return "not encrypted (sslmode=\(sslmode)), to \(place)" }
        let encrypted = tlsVersion.map { "encrypted (\($0))" } ?? "encrypted"
        return certificateVerified
            ? "\(encrypted), server certificate verified (sslmode=\(sslmode)), to \(place)"
            : "\(encrypted), server certificate NOT verified (sslmode=\(sslmode)), to \(place)"
    }

    /// A warning for a target on another machine reached without encryption or without checking
    /// its certificate; nil otherwise.
    public var warning: String? {
        guard !isLocal else { return nil }
        if !encrypted {
            return "warning: the connection to \(host) is not encrypted: the password and every row cross the network in clear text;"
                + " add sslmode=verify-full (and sslrootcert=CA-FILE) to --target"
        }
        guard certificateVerified || (gss && !tls) else {
            return "warning: the connection to \(host) is encrypted but the server's certificate is not verified (sslmode=\(sslmode)):"
                + " anyone on the path can pose as the server; add sslmode=verify-full (and sslrootcert=CA-FILE) to --target"
        }
        return nil
    }
}
