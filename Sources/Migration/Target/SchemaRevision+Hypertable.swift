import Foundation
import MLflowSchema

extension SchemaRevision {
    /// The post-data DDL for a target whose `metrics` is a hypertable, which takes no `ONLY`.
    func postDataSQL(hypertable: Bool) -> String {
        hypertable ? postDataSQL.replacingOccurrences(of: "ALTER TABLE ONLY metrics\n", with: "ALTER TABLE metrics\n") : postDataSQL
    }
}
