/// A schema map that cannot be used: a defect in `schema/`, not in the user's data.
public enum SchemaMapError: Error, CustomStringConvertible {
    case unsupportedType(revision: String, table: String, column: String, type: String)
    case referenceCycle(revision: String, tables: [String])

    public var description: String {
        switch self {
        case let .unsupportedType(revision, table, column, type):
            "schema map \(revision): \(table).\(column) has PostgreSQL type \(type), which the loader does not know"
        case let .referenceCycle(revision, tables):
            "schema map \(revision): foreign keys form a cycle among \(tables.joined(separator: ", "))"
        }
    }
}
