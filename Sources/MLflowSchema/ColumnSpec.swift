/// One column of an MLflow table: how SQLite declares it and what PostgreSQL expects.
public struct ColumnSpec: Sendable, Equatable {
    /// The column name, the same on both engines.
    public let name: String
    /// The type SQLite's `CREATE TABLE` declares (`VARCHAR(250)`, `BIGINT`, ...).
    public let sqliteDeclared: String
    /// The PostgreSQL type, which decides how a value converts.
    public let pgType: PGType
    /// Whether NULL is allowed.
    public let nullable: Bool
    /// A generated column: computed by the server, never loaded.
    public let generated: Bool
    /// An identity column (`GENERATED ... AS IDENTITY`): loaded with `OVERRIDING SYSTEM VALUE`.
    public let identity: Bool

    public init(name: String, sqliteDeclared: String, pgType: PGType, nullable: Bool,
                generated: Bool = false, identity: Bool = false) {
        self.name = name
        self.sqliteDeclared = sqliteDeclared
        self.pgType = pgType
        self.nullable = nullable
        self.generated = generated
        self.identity = identity
    }
}
