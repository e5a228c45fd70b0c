import PostgresTarget

/// Everything in a target database's public schema, as one comparable string: relations, the
/// definition of every constraint and index, every row of every table (as text, ordered) and
/// sequence states.
///
/// Equal before and after means unchanged.
func targetFingerprint(_ conninfo: String) throws -> String {
    let conn = try PGConnection(conninfo: conninfo, applicationName: "e2e-fingerprint")
    let relations = try conn.query(
        """
        SELECT c.relname, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1
        """
    ).rows
    var parts = relations.map { "\($0[0]!):\($0[1]!)" }
    parts += try keyDefinitions(conn)
    for row in relations {
        let name = conn.quoteIdentifier(row[0]!)
        switch row[1] {
        case "r":
            parts.append(try conn.query("SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM \(name) t").scalar ?? "")
        case "S":
            parts.append(try conn.query("SELECT last_value::text || is_called::text FROM \(name)").scalar ?? "")
        default:
            break
        }
    }
    return parts.joined(separator: "\n")
}

/// Every constraint and index of the public schema's tables, as the server prints their definitions, sorted.
func keyDefinitions(_ conn: PGConnection) throws -> [String] {
    try conn.query(
        """
        SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = 'public'::regnamespace
        ORDER BY 1
        """
    ).rows.map { $0[0] ?? "" }
}
