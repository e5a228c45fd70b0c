import MLflowSchema

extension SchemaCatalog {
    /// What to do with a store at an unsupported revision, in a sentence or two.
    ///
    /// It names the nearest supported revisions and the one command that brings a copy to one.
    func advice(forUnsupported revision: String) -> String {
        func name(_ r: Entry) -> String { "\(r.revision) (MLflow \(r.mlflowVersions.joined(separator: ", ")))" }
        func upgrade(_ r: Entry) -> String {
            let version = r.mlflowVersions.last ?? ""
            let pins = version.hasPrefix("1.") ? " with the dependency pins the README lists for Python 3.11" : ""
            return "Upgrade a copy of the file with MLflow \(version) (`pip install mlflow==\(version)`\(pins), then "
                + "`mlflow db upgrade sqlite:///COPY`) and migrate the copy."
        }
        let forward =
            "Or import into a database that an MLflow server of that release created (start it once with --backend-store-uri"
            + " pointing at the empty database): the import then reads MLflow's schema from that database."
        switch nearest(to: revision) {
        case let (before?, after?)?:
            return "It lies between the supported revisions \(name(before)) and \(name(after)), where no captured MLflow"
                + " release stops (a development build, or a patch release this build did not capture, wrote it). " + upgrade(after)
        case let (nil, after?)?:
            return "It is older than every supported revision; the nearest is \(name(after)). " + upgrade(after)
        case let (before?, nil)?:
            return "It is newer than every supported revision (the newest is \(name(before))): "
                + "it needs a newer mlflow-pg-migrate. " + forward
        default:
            let newest = entries.last.map { " (the newest this build knows is \(name($0)))" } ?? ""
            return "It is not in MLflow's migration chain as this build knows it\(newest): a newer MLflow release or a"
                + " development build wrote it. It needs a newer mlflow-pg-migrate. " + forward
        }
    }
}
