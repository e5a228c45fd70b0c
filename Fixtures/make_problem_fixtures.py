"""Write stores with every kind of row PostgreSQL rejects: Fixtures/problems/*.db.

Run with MLflow 2.9.2's Python (Fixtures/make-fixtures.sh problems). Values MLflow itself lets into
SQLite are written through MLflow's API; the rest, which only other writers (manual SQL, old gc
scripts) produce, by SQL on a copy of a store MLflow wrote.

  mlflow-2.9.2-problems.db   one row or more of each kind:
    too_long        (MLflow) experiment name of 300 characters, run artifact URI over 200 (from a long
                    artifact location), model version source over 500, registered model description
                    over 5000
    nul_character   (MLflow) a param value and a run tag value containing U+0000
    invalid_utf8    (SQL) a tag value that is not UTF-8
    integer_range   (SQL) a model version number of 2^31
    storage_class   (SQL) text in a metric's step (BIGINT) column
    not_null        (SQL) a NULL param value in a table rebuilt without its NOT NULL
    boolean         (SQL) is_nan = 2
    check_violation (SQL) a run with status 'PAUSED'
    orphan          (SQL) a param of a run that does not exist
    duplicate_key   (SQL) a param key logged twice for one run (table rebuilt without its key)
  mlflow-3.17.2-invalid-json.db  (SQL, on the MLflow 3.17.2 fixture) an evaluation dataset record
                    whose inputs are not JSON
"""
import os, shutil, sqlite3, sys, tempfile

import mlflow
from mlflow import MlflowClient

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "problems")
os.makedirs(out, exist_ok=True)
work = tempfile.mkdtemp(prefix="mlflow-problems-")
os.chdir(work)
path = os.path.join(work, "p.db")
uri = f"sqlite:///{path}"
c = MlflowClient(tracking_uri=uri, registry_uri=uri)

long_name = "experiment-" + "n" * 289                       # 300 characters
e = c.create_experiment(long_name, artifact_location="s3://bucket/" + "deep/" * 40)   # runs' artifact_uri > 200
good = c.create_experiment("good-experiment")
r = c.create_run(e, run_name="run-with-problems").info.run_id
ok = c.create_run(good, run_name="clean-run").info.run_id
c.log_param(r, "lr", "0.1")
c.log_param(r, "nul_param", "before\x00after")
c.set_tag(r, "nul_tag", "a\x00b")
c.log_metric(r, "loss", 0.5, step=1)
c.log_metric(ok, "loss", 0.25, step=1)
c.log_param(ok, "clean", "yes")
c.create_registered_model("long-description", description="d" * 5001)
c.create_model_version("long-description", "s3://bucket/" + "m" * 520, run_id=ok)
c.set_terminated(ok, "FINISHED")

db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys = OFF")
db.execute("PRAGMA ignore_check_constraints = ON")
db.execute("INSERT INTO tags VALUES ('bad_utf8', CAST(x'666fc3286f' AS TEXT), ?)", (ok,))
db.execute("INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage, source, run_id, status) "
           "VALUES ('long-description', 2147483648, 0, 0, 'None', 's3://x', ?, 'READY')", (ok,))
db.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('text_step', 1.0, 1, ?, 'seven', 0)", (ok,))
db.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('bad_bool', 0.0, 1, ?, 3, 2)", (ok,))
db.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time,"
           " end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
           " VALUES ('pausedrun0000000000000000000000a', 'paused', 'LOCAL', '', '', 'u', 'PAUSED', 0, NULL, '', 'active', 's3://x', ?)", (good,))
db.execute("INSERT INTO params VALUES ('orphan', 'x', 'no-such-run-00000000000000000000')")
# Rebuild params without its primary key and NOT NULL, as a careless script would, then add a
# duplicate key and a NULL value.
db.execute("CREATE TABLE params_copy (key VARCHAR(250), value VARCHAR(8000), run_uuid VARCHAR(32))")
db.execute("INSERT INTO params_copy SELECT key, value, run_uuid FROM params")
db.execute("DROP TABLE params")
db.execute("ALTER TABLE params_copy RENAME TO params")
db.execute("INSERT INTO params VALUES ('clean', 'again', ?)", (ok,))
db.execute("INSERT INTO params VALUES ('null_value', NULL, ?)", (ok,))
db.commit()
db.close()
shutil.copyfile(path, os.path.join(out, "mlflow-2.9.2-problems.db"))

src3 = os.path.join(here, "mlflow-3.17.2", "rich.db")
dst3 = os.path.join(out, "mlflow-3.17.2-invalid-json.db")
shutil.copyfile(src3, dst3)
db = sqlite3.connect(dst3)
db.execute("UPDATE evaluation_dataset_records SET inputs = '{\"question\": oops' WHERE rowid = (SELECT min(rowid) FROM evaluation_dataset_records)")
db.commit()
db.close()
shutil.rmtree(work)
print("wrote", out)
