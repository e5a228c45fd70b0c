/// The captured files of one MLflow revision as compiled into the binary.
///
/// `schema/embed.py` generates the list (`EmbeddedRevision.all`) from `schema/<revision>/`. The
/// revisions share most of their tables and statements, so each distinct one is stored once
/// (`tableSpecs`, `statements`) and a revision lists indexes into them; the files' texts are
/// joined only for the revision that is used.
public struct EmbeddedRevision: Sendable {
    /// The alembic head revision, such as `acf3f17fdcc7`.
    public let revision: String
    /// The text of `map.json` before its table specs (up to and including `"tables": [`).
    let mapHead: String
    /// The map's table specs, as indexes into `tableSpecs`.
    let tableIndexes: [Int]
    /// The text of `map.json` after its table specs.
    let mapTail: String
    /// The statements of `pre-data.sql`, as indexes into `statements`.
    let preDataIndexes: [Int]
    /// The statements of `post-data.sql`, as indexes into `statements`.
    let postDataIndexes: [Int]

    /// The text of `map.json`.
    public var map: String {
        mapHead + tableIndexes.map { Self.tableSpecs[$0] }.joined(separator: ",\n") + mapTail
    }

    /// The text of `pre-data.sql`: tables, sequences, column defaults.
    public var preData: String { preDataIndexes.map { Self.statements[$0] }.joined(separator: "\n\n") }

    /// The text of `post-data.sql`: keys, constraints, indexes, foreign keys.
    public var postData: String { postDataIndexes.map { Self.statements[$0] }.joined(separator: "\n\n") }
}
