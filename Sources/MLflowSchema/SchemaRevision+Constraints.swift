/// A `CHECK (column IN (...))` constraint of MLflow's schema, the only form MLflow uses.
public struct CheckSpec: Sendable, Equatable {
    public let name: String
    public let table: String
    public let column: String
    /// The allowed values.
    public let allowed: [String]
}

/// A foreign key of MLflow's schema: `table(columns)` references `parent(parentColumns)`.
public struct ForeignKeySpec: Sendable, Equatable {
    public let name: String
    public let table: String
    public let columns: [String]
    public let parent: String
    public let parentColumns: [String]
}

/// A primary key or UNIQUE constraint: no two rows may share these columns' values.
public struct UniqueSpec: Sendable, Equatable {
    public let name: String
    public let table: String
    public let columns: [String]

    public init(name: String, table: String, columns: [String]) {
        self.name = name
        self.table = table
        self.columns = columns
    }
}

extension SchemaRevision {
    /// Primary keys and UNIQUE constraints in the post-data DDL.
    public var uniqueKeys: [UniqueSpec] {
        postDataSQL.components(separatedBy: ";\n").compactMap { statement in
            let text = statement.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.joined(separator: " ")
            guard text.hasPrefix("ALTER TABLE ONLY ") else { return nil }
            let head = text.dropFirst("ALTER TABLE ONLY ".count).split(separator: " ")
            guard head.count >= 6, head[1] == "ADD", head[2] == "CONSTRAINT" else { return nil }
            let kind = head[4] == "UNIQUE" ? "UNIQUE (" : (head[4] == "PRIMARY" && head[5] == "KEY" ? "PRIMARY KEY (" : nil)
            guard let kind, let open = text.range(of: kind), let close = text[open.upperBound...].firstIndex(of: ")") else { return nil }
            let columns = text[open.upperBound..<close].split(separator: ",").map { $0.trimmingSpaces.unquotedIdentifier }
            return UniqueSpec(name: String(head[3]), table: String(head[0]).unquotedIdentifier, columns: columns)
        }
    }

    /// Unique indexes in the post-data DDL (`CREATE UNIQUE INDEX ... (columns)`, without a WHERE).
    public var uniqueIndexes: [UniqueSpec] {
        postDataSQL.components(separatedBy: ";\n").compactMap { statement in
            let text = statement.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.joined(separator: " ")
            guard text.hasPrefix("CREATE UNIQUE INDEX "), !text.contains(" WHERE ") else { return nil }
            let head = text.dropFirst("CREATE UNIQUE INDEX ".count).split(separator: " ")
            guard head.count >= 3, head[1] == "ON", let open = text.lastIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else {
                return nil
            }
            let table = String(head[2] == "ONLY" && head.count > 3 ? head[3] : head[2]).unquotedIdentifier
            let columns = text[text.index(after: open)..<close].split(separator: ",").map { $0.trimmingSpaces.unquotedIdentifier }
            return UniqueSpec(name: String(head[0]), table: table, columns: columns)
        }
    }

    /// The CHECK constraints in the pre-data DDL, parsed from pg_dump's two spellings.
    ///
    /// `CONSTRAINT n CHECK (((col)::text = ANY ((ARRAY['a'::character varying, ...])::text[])))`,
    /// and `... = ANY (ARRAY[('a'::character varying)::text, ...])))` for the older `status`
    /// CHECK that MLflow 1.5 (`cfd24bdc0731`) leaves beside the new one.
    public var checks: [CheckSpec] {
        var out: [CheckSpec] = []
        var table: String?
        for raw in preDataSQL.split(separator: "\n") {
            let line = raw.drop { $0 == " " }
            if line.hasPrefix("CREATE TABLE ") {
                table = String(line.dropFirst("CREATE TABLE ".count).prefix { $0 != " " && $0 != "(" }).unquotedIdentifier
            } else if line.hasPrefix(");") {
                table = nil
            } else if let table, line.hasPrefix("CONSTRAINT "), let check = Self.parseCheck(String(line), table: table) {
                out.append(check)
            }
        }
        return out
    }

    static func parseCheck(_ line: String, table: String) -> CheckSpec? {
        let words = line.split(separator: " ", maxSplits: 3)
        guard words.count == 4, words[2] == "CHECK", let open = line.range(of: "CHECK (((") else { return nil }
        let rest = line[open.upperBound...]
        guard let close = rest.firstIndex(of: ")"), rest[close...].hasPrefix(")::text = ANY (") else { return nil }
        let column = String(rest[..<close]).unquotedIdentifier
        guard let start = rest.range(of: "ARRAY["), let allowed = quotedLiterals(in: rest[start.upperBound...]), !allowed.isEmpty else {
            return nil
        }
        return CheckSpec(name: String(words[1]), table: table, column: column, allowed: allowed)
    }

    /// The SQL string literals before the first `]` outside quotes, or nil if that `]` is missing.
    static func quotedLiterals(in text: Substring) -> [String]? {
        var literals: [String] = []
        var current: String?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            index = text.index(after: index)
            if var literal = current {
                if c != "'" {
                    literal.append(c)
                    current = literal
                } else if index < text.endIndex, text[index] == "'" {  // '' inside a literal
                    literal.append("'")
                    current = literal
                    index = text.index(after: index)
                } else {
                    literals.append(literal)
                    current = nil
                }
            } else if c == "'" {
                current = ""
            } else if c == "]" {
                return literals
            }
        }
        return nil
    }

    /// The values a column may hold under every CHECK on it (MLflow 1.5's `runs.status` has two),
    /// or nil when no CHECK constrains it.
    public func allowedValues(table: String, column: String) -> [String]? {
        let constraining = checks.filter { $0.table == table && $0.column == column }
        guard let first = constraining.first else { return nil }
        return constraining.dropFirst().reduce(Set(first.allowed)) { $0.intersection($1.allowed) }.sorted()
    }

    /// The foreign keys in the post-data DDL.
    public var foreignKeys: [ForeignKeySpec] {
        postDataSQL.components(separatedBy: ";\n").compactMap { statement in
            let text = statement.split(whereSeparator: \.isNewline).map { $0.drop { $0 == " " } }.joined(separator: " ")
            guard text.hasPrefix("ALTER TABLE ONLY "), let fk = text.range(of: " FOREIGN KEY (") else { return nil }
            let head = text.dropFirst("ALTER TABLE ONLY ".count).split(separator: " ")
            guard head.count >= 4, head[1] == "ADD", head[2] == "CONSTRAINT" else { return nil }
            let afterFK = text[fk.upperBound...]
            guard let closeCols = afterFK.firstIndex(of: ")"), let ref = afterFK.range(of: " REFERENCES ") else { return nil }
            let columns = afterFK[..<closeCols].split(separator: ",").map { $0.trimmingSpaces.unquotedIdentifier }
            let target = afterFK[ref.upperBound...]
            guard let open = target.firstIndex(of: "("), let close = target.firstIndex(of: ")") else { return nil }
            let parent = String(target[..<open]).unquotedIdentifier
            let parentColumns = target[target.index(after: open)..<close].split(separator: ",").map { $0.trimmingSpaces.unquotedIdentifier }
            return ForeignKeySpec(
                name: String(head[3]), table: String(head[0]).unquotedIdentifier, columns: columns,
                parent: parent, parentColumns: parentColumns)
        }
    }
}
