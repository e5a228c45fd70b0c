import CLibPQ

extension PGConnection {
    /// True when a conninfo string (URI or key=value) carries a password, parsed by libpq itself.
    public static func conninfoHasPassword(_ conninfo: String) -> Bool {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return false
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val, value.pointee != 0 { return true }
            option += 1
        }
        return false
    }
}
