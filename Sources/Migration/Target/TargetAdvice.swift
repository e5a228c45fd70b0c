/// The advice messages give about a target database, in the README's words.
public enum TargetAdvice {
    /// The database to create for an import: the README's first migration runs this line.
    public static let createDatabase =
        "CREATE DATABASE mlflow OWNER mlflow ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;"

    /// Why `TEMPLATE template0`, and what it leaves out.
    public static let template0Note =
        "TEMPLATE template0 is what a collation other than template1's needs; it also leaves out the extensions template1 carries:"
        + " on TimescaleDB, run CREATE EXTENSION timescaledb in the new database before the import"

    /// The hint for an empty database: the statement and its note.
    static var emptyDatabase: String {
        "Import into an empty database, e.g. (psql, as a superuser):\n    \(createDatabase)\n  (\(template0Note))"
    }

    /// The releases of a revision, as a range: "MLflow 2.8.1 to 2.12.2".
    static func releases(_ versions: [String]) -> String {
        guard let first = versions.first, let last = versions.last else { return "a release newer than this build" }
        return first == last ? "MLflow \(first)" : "MLflow \(first) to \(last)"
    }
}
