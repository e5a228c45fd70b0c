import Foundation
import MLflowSchema
import SQLite

/// Finds every row of an SQLite store that PostgreSQL would reject, before anything is written.
///
/// Per cell: storage class, NULL in NOT NULL columns, integer range, 0/1 booleans, NUL characters,
/// UTF-8 validity, `varchar(n)` length in characters, JSON syntax, ISO dates, CHECK value lists.
/// Per table: duplicate primary or unique keys and orphaned rows, checked with the target schema's
/// constraints (not SQLite's declarations, which a foreign writer may have changed).
public struct Preflight {
    /// Everything the scan found.
    public struct Result: Sendable {
        public var problems: [Problem] = []
        /// `PRAGMA integrity_check`: "ok" or its first messages.
        public var integrity: [String] = []
        /// `PRAGMA foreign_key_check`: how many violations SQLite's own declarations show.
        public var sqliteForeignKeyViolations = 0
        /// Per table.column with `too_long` values: the longest value in characters.
        public var longest: [String: Int] = [:]
        /// What `--artifact-root-map` does to the artifact locations.
        public var artifacts = ArtifactReport()

        public func count(_ kind: Problem.Kind) -> Int { problems.filter { $0.kind == kind }.count }
    }

    let source: SQLiteSource
    /// `PRAGMA integrity_check` (thorough, for the dry run) or `quick_check` (before an import).
    let thorough: Bool
    var map: ArtifactRootMap { source.artifactMap ?? ArtifactRootMap(rules: []) }

    public init(source: SQLiteSource, thorough: Bool = true) {
        self.source = source
        self.thorough = thorough
    }

    public func run() throws -> Result {
        var result = Result()
        let schema = source.schema
        result.integrity = try source.pragmaRows(thorough ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)")
        result.sqliteForeignKeyViolations = try source.pragmaRows("PRAGMA foreign_key_check").count
        let checks = Dictionary(grouping: schema.checks, by: { "\($0.table).\($0.column)" })
        for table in schema.tables {
            try scanCells(table, checks: checks, into: &result)
        }
        for key in schema.uniqueKeys {
            try duplicates(key, into: &result)
        }
        for fk in schema.foreignKeys {
            try orphans(fk, into: &result)
        }
        return result
    }

    private func scanCells(_ table: TableSpec, checks: [String: [CheckSpec]], into result: inout Result) throws {
        let columns = table.loadedColumns
        let allowed: [Set<String>?] = columns.map { c in checks["\(table.name).\(c.name)"].map { Set($0.flatMap(\.allowed)) } }
        var located = Set(ArtifactLocations.columns(of: table))
        var tagKey: (index: Int32, keys: Set<String>)?
        if let tag = ArtifactLocations.tags[table.name], let k = columns.firstIndex(where: { $0.name == tag.key }) {
            located.insert(tag.value)
            tagKey = (Int32(k), tag.keys)
        }
        let stmt = try source.scan(table)
        let rowidColumn = Int32(columns.count)
        while try source.step(stmt, table) {
            for (index, column) in columns.enumerated() {
                let i = Int32(index)
                func report(_ kind: Problem.Kind, _ detail: String, value: String? = nil, length: Int? = nil, limit: Int? = nil) {
                    result.problems.append(Problem(kind: kind, table: table.name, rowid: stmt.int64(rowidColumn),
                                                   key: RowKey.parts(of: stmt, in: table), column: column.name, value: value ?? displayCell(stmt, i),
                                                   detail: detail, length: length, limit: limit))
                }
                let storage = stmt.storage(i)
                if storage == .null {
                    if !column.nullable { report(.notNull, "NULL in a NOT NULL column", value: "NULL") }
                    continue
                }
                let expected = column.pgType.expectedStorage
                guard storage.name == expected.rawValue else {
                    report(.storageClass, "SQLite storage class \(storage.name) where \(column.sqliteDeclared) (PostgreSQL \(column.pgType)) expects \(expected.rawValue)")
                    continue
                }
                switch column.pgType {
                case .int4:
                    let v = stmt.int64(i)
                    if Int32(exactly: v) == nil { report(.integerRange, "\(v) does not fit PostgreSQL integer (-2147483648...2147483647)") }
                case .bool:
                    let v = stmt.int64(i)
                    if v != 0 && v != 1 { report(.boolean, "boolean column holds \(v), not 0 or 1") }
                case .text, .json, .date:
                    stmt.withBytes(i) { bytes in
                        if bytes.containsNUL { report(.nulCharacter, "NUL (U+0000) character, which PostgreSQL text cannot store") }
                        guard let stored = UTF8Scan.characters(bytes) else {
                            report(.invalidUTF8, "invalid UTF-8", value: FieldDisplay.describe(bytes, .bytea))
                            return
                        }
                        var length = stored
                        var rewritten = ""
                        if located.contains(column.name), tagKey.map({ $0.keys.contains(stmt.string($0.index)) }) ?? true {
                            let text = String(decoding: bytes, as: UTF8.self)
                            if let r = map.rewrite(text) {
                                rewritten = " after --artifact-root-map"
                                length = r.value.unicodeScalars.count
                                result.artifacts.add(table: table.name, column: column.name, rule: r.rule, before: text, after: r.value)
                            } else if ArtifactRootMap.looksLocal(text) {
                                result.artifacts.uncovered(table: table.name, column: column.name, value: text)
                            }
                        }
                        if case .text(let limit?) = column.pgType, length > limit {
                            report(.tooLong, "\(length) characters\(rewritten), the column holds \(limit)", value: displayValue(String(decoding: bytes, as: UTF8.self), limit: 40), length: length, limit: limit)
                            result.longest["\(table.name).\(column.name)", default: 0] = max(result.longest["\(table.name).\(column.name)"] ?? 0, length)
                        }
                        if column.pgType == .json, (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) == nil {
                            report(.invalidJSON, "not valid JSON")
                        }
                        if column.pgType == .date, PGDate.daysSince2000(iso: String(decoding: bytes, as: UTF8.self)) == nil {
                            report(.date, "not a date in YYYY-MM-DD form")
                        }
                        if let allowed = allowed[index], !allowed.contains(String(decoding: bytes, as: UTF8.self)) {
                            report(.check, "not one of \(allowed.sorted().joined(separator: ", ")) (CHECK constraint)")
                        }
                    }
                case .int8, .float8, .bytea:
                    break
                }
            }
        }
    }

    /// Rows whose key a row with a smaller rowid already has.
    private func duplicates(_ key: UniqueSpec, into result: inout Result) throws {
        guard let table = source.schema.table(key.table) else { return }
        // A unique index of SQLite's on the same columns already rules duplicates out.
        if try source.hasUniqueIndex(key.table, columns: key.columns) { return }
        let cols = key.columns.map(sqlQuote).joined(separator: ", ")
        let notNull = key.columns.map { "\(sqlQuote($0)) IS NOT NULL" }.joined(separator: " AND ")
        let sql = """
            SELECT rowid FROM \(sqlQuote(key.table)) WHERE \(notNull) AND rowid NOT IN
            (SELECT min(rowid) FROM \(sqlQuote(key.table)) WHERE \(notNull) GROUP BY \(cols)) ORDER BY rowid
            """
        for rowid in try source.rowids(sql, table: key.table) {
            result.problems.append(Problem(kind: .duplicateKey, table: key.table, rowid: rowid,
                                           key: source.keyParts(table, rowid: rowid), column: key.columns.joined(separator: ", "),
                                           value: nil, detail: "another row has the same \(key.columns.joined(separator: ", ")) (constraint \(key.name))",
                                           length: nil, limit: nil))
        }
    }

    /// Rows whose foreign key points at no parent row (all key columns set, as PostgreSQL checks).
    private func orphans(_ fk: ForeignKeySpec, into result: inout Result) throws {
        guard let table = source.schema.table(fk.table) else { return }
        let notNull = fk.columns.map { "c.\(sqlQuote($0)) IS NOT NULL" }.joined(separator: " AND ")
        let match = zip(fk.columns, fk.parentColumns).map { "p.\(sqlQuote($1)) = c.\(sqlQuote($0))" }.joined(separator: " AND ")
        let sql = """
            SELECT c.rowid FROM \(sqlQuote(fk.table)) c WHERE \(notNull)
            AND NOT EXISTS (SELECT 1 FROM \(sqlQuote(fk.parent)) p WHERE \(match)) ORDER BY c.rowid
            """
        for rowid in try source.rowids(sql, table: fk.table) {
            result.problems.append(Problem(kind: .orphan, table: fk.table, rowid: rowid, key: source.keyParts(table, rowid: rowid),
                                           column: fk.columns.joined(separator: ", "), value: nil,
                                           detail: "references \(fk.parent)(\(fk.parentColumns.joined(separator: ", "))), which has no such row (constraint \(fk.name))",
                                           length: nil, limit: nil))
        }
    }
}
