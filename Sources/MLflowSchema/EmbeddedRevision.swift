/// The captured files of one MLflow revision as compiled into the binary.
///
/// `schema/embed.py` generates the list (`EmbeddedRevision.all`) from `schema/<revision>/`.
public struct EmbeddedRevision: Sendable {
    /// The alembic head revision, such as `acf3f17fdcc7`.
    public let revision: String
    /// The text of `map.json`.
    public let map: String
    /// The text of `pre-data.sql`: tables, sequences, column defaults.
    public let preData: String
    /// The text of `post-data.sql`: keys, constraints, indexes, foreign keys.
    public let postData: String
}
