"""Generate a synthetic MLflow 2.9.2 store of any size, in the schema real MLflow created.

Starts from Fixtures/mlflow-2.9.2/empty.db (a store MLflow 2.9.2 made itself) and fills it with
realistic shapes: experiments, runs with params and tags, metrics (runs x keys x steps, about 1 in
500 points NaN, stored as MLflow stores them: value 0.0, is_nan 1), and latest_metrics consistent
with metrics (MLflow's rule: highest step, then highest timestamp, then highest value).

  python3 generate_store.py OUT.db --runs 1000 --keys 10 --steps 1000    # 10M metric rows
"""
import argparse, math, random, shutil, sqlite3, uuid, os

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--runs", type=int, default=100)
ap.add_argument("--keys", type=int, default=10)
ap.add_argument("--steps", type=int, default=1000)
ap.add_argument("--experiments", type=int, default=10)
ap.add_argument("--seed", type=int, default=42)
args = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shutil.copyfile(os.path.join(root, "Fixtures/mlflow-2.9.2/empty.db"), args.out)
rng = random.Random(args.seed)
db = sqlite3.connect(args.out)
db.execute("PRAGMA journal_mode = OFF")
db.execute("PRAGMA synchronous = OFF")
t0 = 1700000000000
for e in range(1, args.experiments + 1):
    db.execute("INSERT INTO experiments VALUES (?, ?, ?, 'active', ?, ?)",
               (e, f"experiment-{e}", f"s3://bucket/mlflow/{e}", t0, t0))
    db.execute("INSERT INTO experiment_tags VALUES ('team', ?, ?)", (f"team-{e % 3}", e))
keys = [f"metric_{k}" if k else "loss" for k in range(args.keys)]
for r in range(args.runs):
    run = uuid.UUID(int=rng.getrandbits(128)).hex
    exp = 1 + r % args.experiments
    start = t0 + r * 3_600_000
    db.execute("INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
               " start_time, end_time, deleted_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
               " VALUES (?, ?, 'LOCAL', '', '', 'bench', 'FINISHED', ?, ?, NULL, '', 'active', ?, ?)",
               (run, f"run-{r}", start, start + 3_000_000, f"s3://bucket/mlflow/{exp}/{run}/artifacts", exp))
    db.executemany("INSERT INTO params VALUES (?, ?, ?)",
                   [(f"param_{p}", str(rng.random()), run) for p in range(20)])
    db.executemany("INSERT INTO tags VALUES (?, ?, ?)",
                   [("mlflow.user", "bench", run), ("mlflow.runName", f"run-{r}", run), ("mlflow.source.type", "LOCAL", run)])
    latest = {}
    rows = []
    for k in keys:
        base = rng.random()
        for s in range(args.steps):
            ts = start + s * 1000
            if rng.random() < 0.002:
                value, nan = 0.0, 1
            else:
                value, nan = base * math.exp(-s / 300.0) + rng.random() * 1e-3, 0
            rows.append((k, value, ts, run, s, nan))
        latest[k] = rows[-1]
    db.executemany("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)",
                   [(k, v, ts, s, nan, run) for (k, v, ts, run_, s, nan) in latest.values()])
db.commit()
n = db.execute("SELECT count(*) FROM metrics").fetchone()[0]
db.execute("VACUUM")
db.close()
print(f"{args.out}: {args.runs} runs, {n} metric rows, {os.path.getsize(args.out) / 2**20:.0f} MiB")
