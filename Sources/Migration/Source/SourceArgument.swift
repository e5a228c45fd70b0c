import Foundation

/// A source as users write it: a path, or the SQLAlchemy URI of their MLflow server's configuration.
public enum SourceArgument {
    /// The file path a source argument names.
    ///
    /// `sqlite:///relative.db` and `sqlite:////absolute.db` (also `sqlite+pysqlite:`, with
    /// `?options` dropped) are the file SQLAlchemy would open for MLflow; anything else without a
    /// scheme is a path. Another database's URI, or an in-memory store, is refused with what to give instead.
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
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        // sqlite:///PATH: the host part is empty, PATH is relative; sqlite:////PATH is absolute.
        guard !rest.isEmpty else {
            throw Refusal("'\(argument)' is an in-memory SQLite store, which holds nothing once MLflow stops; give the file of the store")
        }
        guard rest.hasPrefix("/") else {
            throw Refusal("'\(argument)' names a host; SQLite URIs have three slashes: sqlite:///relative/path.db or sqlite:////absolute/path.db")
        }
        let path = String(rest.dropFirst())
        guard !path.isEmpty, path != ":memory:" else {
            throw Refusal("'\(argument)' is an in-memory SQLite store, which holds nothing once MLflow stops; give the file of the store")
        }
        return path
    }

    /// Why a source argument cannot be used, as ArgumentParser shows it.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
