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
    }
}
