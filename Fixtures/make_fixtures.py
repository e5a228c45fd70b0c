"""Write MLflow SQLite fixture stores through MLflow's own Python API (1.0 to 3.x).

Run by Fixtures/make-fixtures.sh inside a virtualenv with the MLflow version that writes them.
Each store is written to a temporary folder and then copied to Fixtures/mlflow-<version>/<name>.db.

  rich.db   every kind of row a 2.x user makes: experiments (one deleted, one restored, one
            without runs, non-default artifact locations, tags), runs (nested, deleted, every
            status, unicode names), params (MLflow's longest allowed value, unicode, emoji,
            backslashes, tabs, newlines, '' and the two characters \\N), metrics over many steps
            (NaN, +-inf, -0.0, subnormals, +-DBL_MAX, the same step twice), registered models with
            versions in every stage, tags, aliases, a deleted version (Deleted_Internal), datasets
            and run inputs with tags.
            MLflow 3.x adds traces with spans, assessments (feedback and expectation), a logged
            model with params and metrics, a prompt and an evaluation dataset with records.
            Features a version lacks are left out, by its API and its store's tables (1.x: no
            datasets, no aliases, shorter params; 1.0-1.3: no registry, no experiment tags).
  --filestore DIR writes the rich store as a FileStore (DIR/mlruns, MLflow's default store
            before 3.0) instead, for `mlflow migrate-filestore` (MLflow 3.10+) to turn into SQLite.
  empty.db  a store MLflow created and nothing else: only alembic_version, the Default experiment
            (and in 3.x the default workspace).
"""
import argparse, math, os, re, shutil, sqlite3, sys, tempfile, time

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")

import inspect
import mlflow
import mlflow.utils.validation
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.tracking import MlflowClient  # where MLflow 1.0 has it too

VERSION = tuple(int(x) for x in mlflow.__version__.split(".")[:2])
HAS_ALIASES = VERSION >= (2, 3)
HAS_INPUTS = VERSION >= (2, 4)
HAS_GENAI = VERSION >= (3, 0)
MAX_PARAM = mlflow.utils.validation.MAX_PARAM_VAL_LENGTH
DBL_MAX = sys.float_info.max
SUBNORMAL = 5e-324


def finite_only(log):
    """Logs a metric point; MLflow 1.0 alone may refuse it (infinities, and NaN in NOT NULL)."""
    try:
        log()
    except mlflow.exceptions.MlflowException as e:
        refused = "valid double" in str(e) or "NOT NULL constraint failed: metrics.value" in str(e)
        if VERSION >= (1, 1) or not refused:
            raise


def accepts(fn, name):
    """Whether this release's `fn` takes a keyword argument `name`."""
    return name in inspect.signature(fn).parameters


def make_empty(path):
    c = MlflowClient(tracking_uri=f"sqlite:///{path}")
    (c.search_experiments if hasattr(c, "search_experiments") else c.list_experiments)()


class Everything:
    """The "tables" of a FileStore: it has a place for every feature of its release."""

    def __contains__(self, name):
        return True


def make_rich(path, root, points=400, uri=None):
    """The rich store at `path` (SQLite), or at `uri` (a FileStore: file:///.../mlruns)."""
    uri = uri or f"sqlite:///{path}"
    mlflow.set_tracking_uri(uri)
    if hasattr(mlflow, "set_registry_uri"):  # 1.4+
        mlflow.set_registry_uri(uri)
    c = MlflowClient(tracking_uri=uri, registry_uri=uri) if accepts(MlflowClient, "registry_uri") else MlflowClient(uri)
    if path:
        make_empty(path)
        tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    else:
        tables = Everything()

    def batch(rid, metrics=(), params=(), tags=()):
        c.log_batch(rid, metrics=list(metrics), params=list(params), tags=list(tags))  # 1.0 takes all three

    art = lambda name: f"file://{root}/artifacts/{name}"
    e_main = c.create_experiment("main-experiment", artifact_location=art("main"))
    if "experiment_tags" in tables:
        for key, value in {"team": "vision", "note": "unicode ünïcødé 🚀", "empty": ""}.items():
            c.set_experiment_tag(e_main, key, value)
    e_deleted = c.create_experiment("deleted-experiment", artifact_location=art("deleted"))
    e_restored = c.create_experiment("restored-experiment", artifact_location="s3://bucket/restored")
    e_norun = c.create_experiment("experiment without runs", artifact_location="./relative/mlruns/x")
    e_unicode = c.create_experiment("実験 🧪 эксперимент", artifact_location=art("unicode"))

    def run(exp, name, status="FINISHED", parent=None, tags=None):
        t = {"mlflow.user": "alice", "mlflow.source.type": "LOCAL"}
        if parent:
            t["mlflow.parentRunId"] = parent
        t.update(tags or {})
        if accepts(c.create_run, "run_name"):
            r = c.create_run(exp, run_name=name, tags=t)
        else:  # before 1.28 the name is a tag
            r = c.create_run(exp, tags={**t, "mlflow.runName": name})
        return r.info.run_id

    ts = 1700000000000
    parent = run(e_main, "parent-run")
    child1 = run(e_main, "child-1", parent=parent)
    child2 = run(e_main, "child-2 ✨", parent=parent)
    failed = run(e_main, "failed-run")
    killed = run(e_main, "killed-run")
    running = run(e_main, "still-running")
    deleted_run = run(e_main, "deleted-run")
    r_deleted_exp = run(e_deleted, "run-in-deleted-experiment")
    r_restored = run(e_restored, "run-in-restored-experiment")
    r_unicode = run(e_unicode, "ラン 🏃 прогон")

    params = [
        Param("lr", "0.001"),
        Param("longest", "x" * MAX_PARAM),
        Param("unicode", "ünïcødé 日本語 العربية"),
        Param("emoji", "🚀🔥👩‍👩‍👧‍👦🇯🇵"),
        Param("backslash", "C:\\Users\\alice\\data\\new"),
        Param("tab_newline", "a\tb\nc\r\nd"),
        Param("empty", ""),
        Param("backslash_n", "\\N"),
        Param("quotes", "'single' \"double\" `back`"),
        Param("sql", "1; DROP TABLE runs; --"),
        Param("trailing_space", "value "),
    ]
    batch(parent, params=params)
    for rid in (child1, child2, failed, killed, running, deleted_run, r_deleted_exp, r_restored, r_unicode):
        batch(rid, params=[Param("seed", rid[:6]), Param("model", "resnet")])

    specials = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, SUBNORMAL, -SUBNORMAL,
                DBL_MAX, -DBL_MAX, 2.2250738585072014e-308, 1e-300, 123456789.123456789, math.pi]
    for i, v in enumerate(specials):
        finite_only(lambda: batch(parent, metrics=[Metric("special", v, ts + i, i)]))
    batch(parent, metrics=[Metric("same_step", v, ts + i, 7) for i, v in enumerate([1.0, 2.0, 1.0])])
    batch(parent, metrics=[Metric("big_step", 1.5, 0, 2**62), Metric("big_step", 2.5, ts, -3),
                           Metric("big_step", 3.5, ts, 10**12)])
    for rid in (parent, child1, child2, failed, killed, deleted_run, r_restored):
        for key in ("loss", "accuracy", "val/loss"):
            series = [Metric(key, math.exp(-s / 100.0) * (1.0 if key != "accuracy" else -1.0) + s * 1e-7,
                             ts + s * 1000, s) for s in range(points)]
            for k in range(0, len(series), 900):
                batch(rid, metrics=series[k:k + 900])
        finite_only(lambda: c.log_metric(rid, "nan_last", float("nan"), timestamp=ts, step=1))

    c.set_tag(parent, "trailing", "space ")
    c.set_tag(parent, "multiline", "line1\nline2")
    c.set_tag(parent, "mlflow.note.content", "# Notes\n\n* markdown ✓")
    c.set_tag(child1, "empty", "")
    c.log_param(r_unicode, "ключ", "значение")
    if "experiment_tags" in tables:
        c.set_experiment_tag(e_restored, "restored", "yes")

    c.set_terminated(parent, "FINISHED", end_time=ts + 500000)
    c.set_terminated(child1, "FINISHED")
    c.set_terminated(child2, "FINISHED")
    c.set_terminated(failed, "FAILED")
    # Stores MLflow 1.0 to 1.10 create keep a CHECK on runs.status without KILLED in SQLite (1.5
    # adds the new CHECK beside it; 0a8213491aaa cannot drop the old one there): no KILLED run.
    runs_ddl = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = 'runs'").fetchone()[0] if path else ""
    refuses_killed = any("KILLED" not in check for check in re.findall(r"CHECK \(status IN \(([^)]*)\)\)", runs_ddl))
    c.set_terminated(killed, "FAILED" if refuses_killed else "KILLED")
    c.set_terminated(deleted_run, "FINISHED")
    c.delete_run(deleted_run)
    c.set_terminated(r_deleted_exp, "FINISHED")
    c.delete_experiment(e_deleted)
    c.delete_experiment(e_restored)
    c.restore_experiment(e_restored)

    if HAS_INPUTS:
        log_inputs(child1, child2)
    if "registered_models" in tables:
        make_registry(c, path, tables, parent, child1, child2, failed, killed, deleted_run)
    if HAS_GENAI:
        make_genai(c, art, tables)


def log_inputs(child1, child2):
    """Datasets and run inputs (MLflow 2.4+)."""
    import pandas as pd
    from mlflow.data.pandas_dataset import from_pandas
    df = pd.DataFrame({"x": [1.0, 2.0, float("nan")], "label": ["a", "b", "ü"]})
    ds = from_pandas(df, source="s3://bucket/train.parquet", name="train-data", targets="label")
    ds_eval = from_pandas(df.head(2), source="/data/eval.csv", name="eval 🧪")
    with mlflow.start_run(run_id=child1):
        mlflow.log_input(ds, context="training", tags={"split": "train"})
        mlflow.log_input(ds_eval, context="evaluation")
    with mlflow.start_run(run_id=child2):
        mlflow.log_input(ds, context="training")



def make_registry(c, path, tables, parent, child1, child2, failed, killed, deleted_run):
    """Registered models with versions in every stage, tags, aliases and a deleted version.

    What the release has of these: the registry from 1.4, tags in tables of their own, aliases 2.3+."""
    def model(name, tags=None, description=None):
        kw = {}
        if tags and accepts(c.create_registered_model, "tags") and "registered_model_tags" in tables:
            kw["tags"] = tags
        if accepts(c.create_registered_model, "description"):
            kw["description"] = description
        c.create_registered_model(name, **kw)

    def version(name, source, run_id, tags=None, description=None):
        kw = {}
        if tags and accepts(c.create_model_version, "tags") and "model_version_tags" in tables:
            kw["tags"] = tags
        if accepts(c.create_model_version, "description"):
            kw["description"] = description
        return c.create_model_version(name, source, run_id, **kw).version

    model("classifier", tags={"owner": "ml-team"}, description="The main model ✓")
    model("empty-description", description="")
    model("no-versions")
    model("ünïcødé-model 🤖", description=None)
    versions = [version("classifier", f"runs:/{rid}/model", rid, tags={"iteration": str(i)},
                        description=f"version {i + 1}" if i else None)
                for i, rid in enumerate((parent, child1, child2, failed, killed))]
    for v, stage in ((versions[1], "Staging"), (versions[2], "Production"), (versions[3], "Archived")):
        if hasattr(c, "transition_model_version_stage"):
            c.transition_model_version_stage("classifier", v, stage)
        else:  # 1.4
            c.update_model_version("classifier", v, stage=stage)
    c.delete_model_version("classifier", versions[4])  # becomes Deleted_Internal, stays in the table
    if HAS_ALIASES:
        c.set_registered_model_alias("classifier", "champion", versions[2])
        c.set_registered_model_alias("classifier", "challenger", versions[1])
    if "model_version_tags" in tables:
        c.set_model_version_tag("classifier", versions[0], "validated", "false")
    version("ünïcødé-model 🤖", "/abs/path/model", deleted_run)
    # A version without a run, where the store allows one (revision a8c4a736bde6, MLflow 1.13, on).
    columns = sqlite3.connect(path).execute("PRAGMA table_info(model_versions)").fetchall() if path else []
    run_id_required = any(name == "run_id" and notnull for _, name, _, notnull, _, _ in columns)
    version("empty-description", "s3://bucket/model", parent if run_id_required else None)
    if accepts(c.update_registered_model, "description"):
        c.update_registered_model("empty-description", description="")


def make_genai(c, art, tables):
    """MLflow 3.x: traces with spans, assessments, a logged model, a prompt, an evaluation dataset.

    Each where the release's store has its tables (assessments 3.2+, evaluation datasets 3.4+)."""
    exp = c.create_experiment("genai-experiment", artifact_location=art("genai"))
    mlflow.set_experiment(experiment_id=exp)

    @mlflow.trace(name="answer")
    def answer(question):
        with mlflow.start_span("retrieve") as span:
            span.set_inputs({"question": question})
            span.set_outputs({"documents": ["doc-1", "ドキュメント 2"]})
        with mlflow.start_span("generate") as span:
            span.set_attribute("temperature", 0.25)
        return "42 ✓"

    answer("What is the answer?")
    first = mlflow.get_last_active_trace_id()
    answer("Second question, with\ttab and \\N")
    second = mlflow.get_last_active_trace_id()
    assert first and second, "MLflow wrote no trace"
    if "assessments" in tables:
        from mlflow.entities import AssessmentSource
        mlflow.log_feedback(trace_id=first, name="correct", value=True, rationale="matches the reference",
                            source=AssessmentSource(source_type="HUMAN", source_id="alice"))
        mlflow.log_feedback(trace_id=second, name="score", value=0.5,
                            source=AssessmentSource(source_type="LLM_JUDGE", source_id="judge-v1"))
        mlflow.log_expectation(trace_id=first, name="expected_answer", value="42")
    c.set_trace_tag(second, "reviewed", "no")

    model = mlflow.initialize_logged_model(name="agent-model", tags={"framework": "none"})
    mlflow.log_model_params({"temperature": "0.25", "prompt": "greeting@1"}, model_id=model.model_id)
    for step, value in enumerate([0.5, 0.75, float("nan")]):
        mlflow.log_metric("accuracy", value, step=step, model_id=model.model_id)

    mlflow.genai.register_prompt(name="greeting", template="Hello {{name}} 👋", commit_message="first")
    mlflow.genai.register_prompt(name="greeting", template="Hi {{name}}!", commit_message="shorter")

    if "evaluation_datasets" in tables:
        from mlflow.genai.datasets import create_dataset
        dataset = create_dataset(name="eval-set", experiment_id=[exp], tags={"purpose": "regression"})
        dataset.merge_records([
            {"inputs": {"question": "What is the answer?"}, "expectations": {"answer": "42"}},
            {"inputs": {"question": "ünïcødé?", "context": ["a", "b"]}, "expectations": {"answer": "yes"}},
        ])
    mlflow.end_run()  # the fluent log_metric above started a run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the Fixtures/ folder")
    ap.add_argument("--only", choices=("empty", "rich"), help="write only this store")
    ap.add_argument("--points", type=int, default=400, help="points per metric series of the rich store")
    ap.add_argument("--filestore", metavar="DIR", help="write the rich store as a FileStore into DIR/mlruns instead")
    args = ap.parse_args()
    if args.filestore:
        root = os.path.abspath(args.filestore)
        os.chdir(root)
        make_rich(None, root, args.points, uri=f"file://{root}/mlruns")
        print(f"wrote {root}/mlruns")
        return
    folder = os.path.join(args.out, f"mlflow-{mlflow.__version__}")
    os.makedirs(folder, exist_ok=True)
    for name, make in (("empty", lambda p, r: make_empty(p)), ("rich", lambda p, r: make_rich(p, r, args.points))):
        if args.only and name != args.only:
            continue
        work = tempfile.mkdtemp(prefix="mlflow-fixture-")
        os.chdir(work)
        path = os.path.join(work, f"{name}.db")
        make(path, "/srv/mlflow")
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == [], db.execute("PRAGMA foreign_key_check").fetchall()
        db.execute("VACUUM")
        db.close()
        shutil.copyfile(path, os.path.join(folder, f"{name}.db"))
        shutil.rmtree(work)
        print(f"wrote {folder}/{name}.db")


if __name__ == "__main__":
    main()
