import MLflowSchema
import SQLite

/// Why one SQLite cell cannot become a value of its PostgreSQL column.
///
/// The one wording of every per-cell problem: the load's refusal, the pre-flight's problem list and
/// the reject record all take it from `detail(for:)`.
enum CellFault: Error, Equatable {
    case notNull
    case storageClass(SQLiteStorageClass)
    case integerRange(Int64)
    case boolean(Int64)
    case nulCharacter
    case date
    case invalidUTF8
    /// `rewritten`: the length is the one after `--artifact-root-map`.
    case tooLong(length: Int, limit: Int, rewritten: Bool)
    case invalidJSON
    case check(allowed: [String])

    /// The problem kind, which names the policy that handles it.
    var kind: Problem.Kind {
        switch self {
        case .notNull: .notNull
        case .storageClass: .storageClass
        case .integerRange: .integerRange
        case .boolean: .boolean
        case .nulCharacter: .nulCharacter
        case .date: .date
        case .invalidUTF8: .invalidUTF8
        case .tooLong: .tooLong
        case .invalidJSON: .invalidJSON
        case .check: .check
        }
    }

    /// What is wrong, in an operator's words; the value itself is shown beside it, not in it.
    func detail(for column: ColumnSpec) -> String {
        switch self {
        case .notNull:
            "NULL in a NOT NULL column"
        case .storageClass(let found):
            "SQLite storage class \(found.name) where \(column.sqliteDeclared) (PostgreSQL \(column.pgType)) expects "
                + CellRules.expectedStorage(column.pgType).name
        case .integerRange:
            "does not fit PostgreSQL integer (-2147483648...2147483647)"
        case .boolean:
            "a boolean column value that is not 0 or 1"
        case .nulCharacter:
            "NUL (U+0000) character, which PostgreSQL text cannot store"
        case .date:
            "not a date in YYYY-MM-DD form"
        case .invalidUTF8:
            "invalid UTF-8"
        case let .tooLong(length, limit, rewritten):
            "\(length) characters\(rewritten ? " after --artifact-root-map" : ""), the column holds \(limit)"
        case .invalidJSON:
            "not valid JSON"
        case .check(let allowed):
            "not one of \(allowed.joined(separator: ", ")) (CHECK constraint)"
        }
    }
}
