import Foundation
import MLflowSchema

extension SchemaRevision {
    /// The post-data DDL as statements, to run (and show progress) one at a time.
    ///
    /// The captured DDL is pg_dump's: each statement ends with a semicolon at the end of a line.
    func postDataStatements(hypertable: Bool) -> [String] {
        (postDataSQL(hypertable: hypertable) + "\n").components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }.map { $0 + ";" }
    }

    /// The key or index a post-data statement makes (`ADD CONSTRAINT name`, `CREATE INDEX name`), for progress.
    static func objectName(_ statement: String) -> String {
        let words = statement.split(whereSeparator: \.isWhitespace)
        for marker in ["CONSTRAINT", "INDEX"] {
            if let i = words.firstIndex(where: { $0 == marker }), i + 1 < words.count {
                let next = words[i + 1] == "IF" && i + 4 < words.count ? words[i + 4] : words[i + 1]
                return String(next)
            }
        }
        return String(statement.prefix(40))
    }
}
