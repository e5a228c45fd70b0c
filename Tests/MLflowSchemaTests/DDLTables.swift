/// A small reader for pg_dump's `CREATE TABLE` blocks: table name to (column, type, NOT NULL).
///
/// Used only by tests, to check the schema map against the captured DDL independently of it.
enum DDLTables {
    struct Column: Equatable {
        let name: String
        let type: String
        let notNull: Bool
    }

    struct ParseError: Error { let line: String }

    static func parse(_ sql: String) throws -> [String: [Column]] {
        var tables: [String: [Column]] = [:]
        var current: String?
        for raw in sql.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: " ")
            if line.hasPrefix("CREATE TABLE ") {
                current = String(line.dropFirst("CREATE TABLE ".count).dropLast(2)).unquoted
                tables[current!] = []
            } else if line == ");" {
                current = nil
            } else if let table = current, !line.hasPrefix("CONSTRAINT ") {
                var body = line.hasSuffix(",") ? String(line.dropLast()) : line
                let notNull = body.hasSuffix(" NOT NULL")
                if notNull { body = String(body.dropLast(" NOT NULL".count)) }
                if let range = body.range(of: " DEFAULT ") { body = String(body[..<range.lowerBound]) }
                if let range = body.range(of: " GENERATED ") { body = String(body[..<range.lowerBound]) }
                guard let space = body.firstIndex(of: " ") else { throw ParseError(line: line) }
                tables[table]!.append(
                    Column(
                        name: String(body[..<space]).unquoted,
                        type: String(body[body.index(after: space)...]), notNull: notNull))
            }
        }
        return tables
    }
}

extension String {
    var unquoted: String { hasPrefix("\"") && hasSuffix("\"") ? String(dropFirst().dropLast()) : self }

    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
