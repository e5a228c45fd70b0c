/// A sequence MLflow's PostgreSQL schema owns, and the column it numbers.
public struct SequenceSpec: Sendable, Equatable {
    public let name: String
    public let table: String
    public let column: String

    public init(name: String, table: String, column: String) {
        self.name = name
        self.table = table
        self.column = column
    }
}
