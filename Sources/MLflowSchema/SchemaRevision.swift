import Foundation

/// Everything the toolkit knows about one MLflow alembic revision: tables, DDL, sequences.
///
/// Built from the files `schema/generate.sh` captured from real MLflow; the importer, the verifier
/// and the DDL phases all read this one value.
public struct SchemaRevision: Sendable {
    /// The alembic head revision (`alembic_version.version_num`).
    public let revision: String
    /// The MLflow releases whose fresh stores are at this revision.
    public let mlflowVersions: [String]
    /// Every MLflow table, in an order where referenced tables come first.
    public let tables: [TableSpec]
    /// Sequences to set after the load.
    public let sequences: [SequenceSpec]
    /// Rows MLflow inserts into a fresh store by itself, per table (the Default experiment, ...).
    public let createdRows: [String: Int]
    /// The neighbouring revisions this one's schema was taken from, or none if it was captured.
    ///
    /// MLflow 1.15.0 cannot create its schema on PostgreSQL; `schema/derive.py` writes it.
    public let derivedFrom: [String]
    /// DDL run before the data: tables, sequences, column defaults.
    public let preDataSQL: String
    /// DDL run after the data: primary keys, unique constraints, indexes, foreign keys.
    public let postDataSQL: String
    /// The target whose catalog this schema was read from (a revision this build does not know).
    ///
    /// Nil for a revision captured into the build; see `TargetCatalog`.
    public let readFromTarget: CatalogOrigin?

    /// The table with this name, if the revision has it.
    public func table(_ name: String) -> TableSpec? { tables.first { $0.name == name } }

    /// Decodes a revision from the text of its `map.json` and its two DDL files.
    public init(mapJSON: String, preDataSQL: String, postDataSQL: String) throws {
        let file = try JSONDecoder().decode(MapFile.self, from: Data(mapJSON.utf8))
        var tables: [TableSpec] = []
        for t in file.tables {
            var columns: [ColumnSpec] = []
            for c in t.columns {
                guard let type = PGType(formatType: c.pg) else {
                    throw SchemaMapError.unsupportedType(revision: file.revision, table: t.name, column: c.name, type: c.pg)
                }
                columns.append(
                    ColumnSpec(
                        name: c.name, sqliteDeclared: c.sqlite, pgType: type, nullable: c.nullable,
                        generated: c.generated ?? false, identity: c.identity ?? false))
            }
            tables.append(TableSpec(name: t.name, columns: columns, primaryKey: t.primaryKey, references: t.references))
        }
        self.revision = file.revision
        self.mlflowVersions = file.mlflowVersions
        self.tables = try Self.referencedFirst(tables, revision: file.revision)
        self.sequences = file.sequences.map { SequenceSpec(name: $0.name, table: $0.table, column: $0.column) }
        self.createdRows = file.createdRows
        self.derivedFrom = file.derivedFrom ?? []
        self.preDataSQL = preDataSQL
        self.postDataSQL = postDataSQL
        self.readFromTarget = nil
    }

    /// A revision read from a target database's catalog: its tables, sequences and DDL.
    public init(
        revision: String, readFromTarget origin: CatalogOrigin, tables: [TableSpec], sequences: [SequenceSpec], createdRows: [String: Int],
        preDataSQL: String, postDataSQL: String
    ) throws {
        self.revision = revision
        self.mlflowVersions = []
        self.tables = try Self.referencedFirst(tables, revision: revision)
        self.sequences = sequences
        self.createdRows = createdRows
        self.derivedFrom = []
        self.preDataSQL = preDataSQL
        self.postDataSQL = postDataSQL
        self.readFromTarget = origin
    }

    private init(_ other: SchemaRevision, tables: [TableSpec]) {
        self.revision = other.revision
        self.mlflowVersions = other.mlflowVersions
        self.tables = tables
        self.sequences = other.sequences
        self.createdRows = other.createdRows
        self.derivedFrom = other.derivedFrom
        self.preDataSQL = other.preDataSQL
        self.postDataSQL = other.postDataSQL
        self.readFromTarget = other.readFromTarget
    }

    /// The same revision with the SQLite types a store declares (`types[table][column]`).
    ///
    /// A schema read from a target has no SQLite side until a store is opened.
    public func declaringSQLiteTypes(_ types: [String: [String: String]]) -> SchemaRevision {
        mappingColumns { table, c in
            ColumnSpec(
                name: c.name, sqliteDeclared: types[table]?[c.name] ?? c.sqliteDeclared, pgType: c.pgType,
                nullable: c.nullable, generated: c.generated, identity: c.identity)
        }
    }

    /// The same revision with these columns of the PostgreSQL types given: what a policy widened.
    public func changingTypes(_ changes: [(table: String, column: String, type: PGType)]) -> SchemaRevision {
        mappingColumns { table, c in
            guard let change = changes.last(where: { $0.table == table && $0.column == c.name }) else { return c }
            return ColumnSpec(
                name: c.name, sqliteDeclared: c.sqliteDeclared, pgType: change.type, nullable: c.nullable, generated: c.generated,
                identity: c.identity)
        }
    }

    private func mappingColumns(_ transform: (String, ColumnSpec) -> ColumnSpec) -> SchemaRevision {
        SchemaRevision(
            self,
            tables: tables.map { table in
                TableSpec(
                    name: table.name, columns: table.columns.map { transform(table.name, $0) }, primaryKey: table.primaryKey,
                    references: table.references)
            })
    }

    /// Orders tables so that every table comes after the tables it references (stable by name).
    static func referencedFirst(_ tables: [TableSpec], revision: String) throws -> [TableSpec] {
        var placed: Set<String> = []
        var ordered: [TableSpec] = []
        var pending = tables.sorted { $0.name < $1.name }
        while !pending.isEmpty {
            guard let i = pending.firstIndex(where: { $0.references.allSatisfy(placed.contains) }) else {
                throw SchemaMapError.referenceCycle(revision: revision, tables: pending.map(\.name))
            }
            let next = pending.remove(at: i)
            placed.insert(next.name)
            ordered.append(next)
        }
        return ordered
    }
}

/// The on-disk shape of `schema/<revision>/map.json`.
private struct MapFile: Decodable {
    struct Column: Decodable {
        let name, sqlite, pg: String
        let nullable: Bool
        let generated, identity: Bool?
    }
    struct Table: Decodable {
        let name: String
        let primaryKey, references: [String]
        let columns: [Column]
    }
    struct Sequence: Decodable { let name, table, column: String }
    let revision: String
    let mlflowVersions: [String]
    let tables: [Table]
    let sequences: [Sequence]
    let createdRows: [String: Int]
    let derivedFrom: [String]?
}
