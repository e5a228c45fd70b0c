import Foundation

extension BundleManifest {
    /// True when `folder` holds a `manifest.json` (a regular file, not a link) that names this
    /// tool's bundle format: the only kind of folder `mlflow-export --force` may replace.
    static func isBundle(_ folder: String) -> Bool {
        let path = (folder as NSString).appendingPathComponent("manifest.json")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            (attributes[.size] as? NSNumber)?.intValue ?? .max <= 64 << 20,
            let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["format"] as? String == formatName
    }
}
