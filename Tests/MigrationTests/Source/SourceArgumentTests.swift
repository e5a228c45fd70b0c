import Migration
import XCTest

/// Sources as users write them: paths, and the SQLAlchemy URIs of MLflow's configuration.
final class SourceArgumentTests: XCTestCase {
    func testPathsAndSQLiteURIs() throws {
        XCTAssertEqual(try SourceArgument.path("mlflow.db"), "mlflow.db")
        XCTAssertEqual(try SourceArgument.path("/srv/mlflow/mlflow.db"), "/srv/mlflow/mlflow.db")
        XCTAssertEqual(try SourceArgument.path("./odd:name.db"), "./odd:name.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:///mlflow.db"), "mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:///data/mlflow.db"), "data/mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:////srv/mlflow/mlflow.db"), "/srv/mlflow/mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:////srv/mlflow.db?timeout=20&check_same_thread=false"), "/srv/mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite+pysqlite:///mlflow.db"), "mlflow.db")
        XCTAssertEqual(try SourceArgument.path("SQLITE:///mlflow.db"), "mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:///mlflow.db?=&uri"), "mlflow.db")
    }

    /// `uri=true` makes a `file:` path SQLite's own URI, as SQLAlchemy's pysqlite dialect passes it on.
    func testSQLiteFileURIs() throws {
        XCTAssertEqual(try SourceArgument.path("sqlite:///file:mlflow.db?mode=ro&uri=true"), "mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:///file:///srv/my%20store/mlflow.db?uri=true"), "/srv/my store/mlflow.db")
        XCTAssertEqual(try SourceArgument.path("sqlite:///file://localhost/srv/mlflow.db?uri=1"), "/srv/mlflow.db")
        // Without uri=true, SQLite opens a file of that very name.
        XCTAssertEqual(try SourceArgument.path("sqlite:///file:mlflow.db"), "file:mlflow.db")
    }

    /// SQLAlchemy 2.1 decodes %-escapes in the path, earlier releases do not: the one that exists is taken.
    func testPercentEscapesFollowTheFileThatExists() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("source-argument-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spaced = folder.appendingPathComponent("my store.db").path
        XCTAssertEqual(try SourceArgument.path("sqlite:///" + folder.path + "/my%20store.db"), folder.path + "/my%20store.db", "neither exists")
        XCTAssertTrue(FileManager.default.createFile(atPath: spaced, contents: Data()))
        XCTAssertEqual(try SourceArgument.path("sqlite:///" + folder.path + "/my%20store.db"), spaced)
        let literal = folder.appendingPathComponent("my%20store.db").path
        XCTAssertTrue(FileManager.default.createFile(atPath: literal, contents: Data()))
        XCTAssertEqual(try SourceArgument.path("sqlite:///" + folder.path + "/my%20store.db"), literal, "the path as written comes first")
    }

    func testWhatIsNotAStoreFileIsRefusedSayingWhy() {
        func refusal(_ argument: String) -> String {
            do {
                return "accepted as \(try SourceArgument.path(argument))"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(refusal("postgresql://mlflow@db/mlflow").hasPrefix("'postgresql://mlflow@db/mlflow' is a postgresql URI"))
        XCTAssertTrue(refusal("mysql+pymysql://u@h/db").hasPrefix("'mysql+pymysql://u@h/db' is a mysql+pymysql URI"))
        XCTAssertTrue(refusal("sqlite://").contains("in-memory"))
        XCTAssertTrue(refusal("sqlite:///:memory:").contains("in-memory"))
        XCTAssertTrue(refusal("sqlite://host/mlflow.db").contains("names a host"))
        XCTAssertTrue(refusal("sqlite:///file::memory:?uri=true").contains("in-memory"))
        XCTAssertTrue(refusal("sqlite:///file:store?mode=memory&uri=true").contains("in-memory"))
        XCTAssertTrue(refusal("sqlite:///file:/store?vfs=memdb&uri=true").contains("in-memory"))
        XCTAssertTrue(refusal("sqlite:///file://db.example/srv/mlflow.db?uri=true").contains("names the host 'db.example'"))
    }
}
