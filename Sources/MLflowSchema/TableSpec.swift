/// One MLflow table of a revision: its columns, primary key and the tables it references.
public struct TableSpec: Sendable, Equatable {
    /// The table name, the same on both engines.
    public let name: String
    /// Every column in PostgreSQL's order, generated ones included.
    public let columns: [ColumnSpec]
    /// The primary key columns in key order: how a row is named in messages.
    public let primaryKey: [String]
    /// Tables this one has foreign keys to (itself excluded).
    public let references: [String]

    public init(name: String, columns: [ColumnSpec], primaryKey: [String], references: [String]) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.references = references.filter { $0 != name }
    }

    /// The columns that are loaded: every column except generated ones.
    public var loadedColumns: [ColumnSpec] { columns.filter { !$0.generated } }

    /// The column with this name, if any.
    public func column(_ name: String) -> ColumnSpec? { columns.first { $0.name == name } }
}
