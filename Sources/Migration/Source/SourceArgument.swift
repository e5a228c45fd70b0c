import Foundation

/// A source as users write it: a path, or the SQLAlchemy URI of their MLflow server's configuration.
public enum SourceArgument {
    /// The file path a source argument names.
    ///
    /// `sqlite:///relative.db` and `sqlite:////absolute.db` (also `sqlite+pysqlite:`) are the file
    /// SQLAlchemy would open for MLflow; `?options` are dropped, except that with `uri=true` a
    /// `file:` path is SQLite's own URI (`sqlite:///file:mlflow.db?mode=ro&uri=true`). Anything else
    /// without a scheme is a path. Another database's URI, or an in-memory store, is refused with
    /// what to give instead.
    public static func path(_ argument: String) throws -> String {
        guard let colon = argument.firstIndex(of: ":"), argument[..<colon].allSatisfy({ $0.isLetter || $0 == "+" }), colon != argument.startIndex,
            argument[colon...].hasPrefix("://")
        else { return argument }
        let scheme = argument[..<colon].lowercased()
        guard scheme == "sqlite" || scheme.hasPrefix("sqlite+") else {
            throw Refusal(
                "'\(argument)' is a \(scheme) URI; the source is the MLflow SQLite file (sqlite:///PATH in the server's --backend-store-uri), or a bundle folder"
            )
        }
        var rest = argument[argument.index(colon, offsetBy: 3)...]
        var options: [(key: String, value: String)] = []
        if let query = rest.firstIndex(of: "?") {
            options = rest[rest.index(after: query)...].split(separator: "&").map {
                let pair = $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(pair[0]).lowercased(), pair.count > 1 ? String(pair[1]) : "")
            }
            rest = rest[..<query]
        }
        let inMemory = Refusal("'\(argument)' is an in-memory SQLite store, which holds nothing once MLflow stops; give the file of the store")
        // sqlite:///PATH: the host part is empty, PATH is relative; sqlite:////PATH is absolute.
        guard !rest.isEmpty else { throw inMemory }
        guard rest.hasPrefix("/") else {
            throw Refusal("'\(argument)' names a host; SQLite URIs have three slashes: sqlite:///relative/path.db or sqlite:////absolute/path.db")
        }
        let path = String(rest.dropFirst())
        guard !path.isEmpty, path != ":memory:" else { throw inMemory }
        let uri = options.contains { $0.key == "uri" && ["true", "1", "yes", "on", "y", "t"].contains($0.value.lowercased()) }
        guard uri, path.hasPrefix("file:") else { return existing(path) }
        // SQLite's URI: file:PATH or file://[localhost]/PATH, percent-encoded; mode=memory is in memory.
        var file = path.dropFirst("file:".count)
        if file.hasPrefix("//") {
            let authority = file.dropFirst(2).prefix { $0 != "/" }
            guard authority.isEmpty || authority.lowercased() == "localhost" else {
                throw Refusal("'\(argument)' names the host '\(authority)'; SQLite opens files on this machine only: file:///absolute/path.db")
            }
            file = file.dropFirst(2 + authority.count)
        }
        if let fragment = file.firstIndex(of: "#") { file = file[..<fragment] }
        guard let decoded = String(file).removingPercentEncoding else {
            throw Refusal("'\(argument)' has a broken %-escape in its file: path")
        }
        let memory = options.contains { ($0.key == "mode" && $0.value == "memory") || ($0.key == "vfs" && $0.value == "memdb") }
        guard !decoded.isEmpty, decoded != ":memory:", !memory else { throw inMemory }
        return decoded
    }

    /// `path`, or its %-decoded form when only that exists: SQLAlchemy 2.1 decodes `%20` in a
    /// SQLite URI's path, earlier releases open the path as written.
    private static func existing(_ path: String) -> String {
        guard path.contains("%"), !FileManager.default.fileExists(atPath: path), let decoded = path.removingPercentEncoding,
            FileManager.default.fileExists(atPath: decoded)
        else { return path }
        return decoded
    }

    /// Why a source argument cannot be used, as ArgumentParser shows it.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
