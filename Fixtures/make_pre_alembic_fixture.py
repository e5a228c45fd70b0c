"""Write a store the way MLflow 0.9.1 did, before MLflow tracked its schema with alembic.

Run by Fixtures/make-fixtures.sh inside a virtualenv with MLflow 0.9.1; writes
Fixtures/mlflow-0.9.1/rich.db: experiments (one deleted), runs with params, metrics and tags, one
run deleted. The import refuses such a store with the command that brings it into MLflow's chain.
"""
import argparse, os, shutil, sqlite3, tempfile

import mlflow
from mlflow.tracking import MlflowClient

assert mlflow.__version__.startswith("0.9"), mlflow.__version__


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the Fixtures/ folder")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    work = tempfile.mkdtemp(prefix="mlflow-fixture-")
    os.chdir(work)
    path = os.path.join(work, "rich.db")
    c = MlflowClient(f"sqlite:///{path}")
    # 0.9.1's create_experiment may return None: look the ids up by name.
    c.create_experiment("main-experiment", artifact_location="file:///srv/mlflow/artifacts/main")
    c.create_experiment("deleted-experiment", artifact_location="s3://bucket/deleted")
    main_exp, gone = (c.get_experiment_by_name(n).experiment_id for n in ("main-experiment", "deleted-experiment"))
    ids = []
    for i, name in enumerate(("first", "second ✨", "deleted")):
        run = c.create_run(main_exp, run_name=name)
        rid = run.info.run_uuid
        c.log_param(rid, "lr", str(0.1 * (i + 1)))
        c.log_param(rid, "unicode", "ünïcødé 日本語")
        for step in range(50):
            c.log_metric(rid, "loss", 1.0 / (step + 1), timestamp=1550000000000 + step * 1000)
        c.set_tag(rid, "note", "line1\nline2")
        c.set_terminated(rid, "FINISHED" if i != 1 else "FAILED")
        ids.append(rid)
    c.delete_run(ids[2])
    c.delete_experiment(gone)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall()
    db.execute("VACUUM")
    db.close()
    folder = os.path.join(out, f"mlflow-{mlflow.__version__}")
    os.makedirs(folder, exist_ok=True)
    shutil.copyfile(path, os.path.join(folder, "rich.db"))
    shutil.rmtree(work)
    print(f"wrote {folder}/rich.db")


if __name__ == "__main__":
    main()
