"""The deployment's acceptance checks for MLflow on its backend, run with MLflow's own client.

Run by Benchmarks/acceptance.sh inside an MLflow virtualenv, once per backend (the SQLite store
and the PostgreSQL database it was migrated into):

  python acceptance.py checks URI        -> JSON: the five baselines of the deployment's README
  python acceptance.py writer URI ...    -> one writer process of the concurrent loads (internal)

Every writer is a fresh process (not a fork of one that already holds a connection pool); the
writers import MLflow, connect, then wait for a common start time, so that only logging is timed.
"""
import json, os, statistics, subprocess, sys, time, uuid

import mlflow
from mlflow.tracking import MlflowClient


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def ms(seconds):
    return round(seconds * 1000, 2)


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def writer(uri, experiment_id, seconds_or_ops, start_at, mode):
    """Logs metrics to a run of its own; prints latencies, errors and what it logged as JSON."""
    client = MlflowClient(tracking_uri=uri)
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    while time.time() < start_at:
        time.sleep(0.005)
    began = time.time()
    late = began - start_at  # how far behind the common start this writer began
    latencies, errors, logged, step = [], [], 0, 0
    deadline = time.time() + float(seconds_or_ops) if mode == "seconds" else None
    while (time.time() < deadline) if deadline else (step < int(seconds_or_ops)):
        t = time.perf_counter()
        try:
            client.log_metric(run_id, "load", float(step), timestamp=1_700_000_000_000 + step, step=step)
            latencies.append(time.perf_counter() - t)
            logged += 1
        except Exception as e:  # a lock error is a result here, not a crash; its wait counts too
            latencies.append(time.perf_counter() - t)
            errors.append(type(e).__name__ + ": " + str(e).splitlines()[0][:200])
        step += 1
    elapsed = time.time() - began
    try:
        client.set_terminated(run_id)
    except Exception as e:
        errors.append("set_terminated: " + type(e).__name__ + ": " + str(e).splitlines()[0][:200])
    print(json.dumps({"run_id": run_id, "latencies": latencies, "errors": errors, "logged": logged, "elapsed": elapsed, "late": late}))


def load(uri, processes, amount, mode, experiment_name, separate=False):
    """Starts `processes` writers at once, in one experiment or each in its own (`separate`);
    returns their merged results and what was stored."""
    client = MlflowClient(tracking_uri=uri)
    experiments = [client.create_experiment(f"{experiment_name}-{i}") for i in range(processes if separate else 1)]
    start_at = time.time() + 5 + processes * 2.0  # time for every process to import MLflow and connect (2 cores)
    procs = [subprocess.Popen([sys.executable, __file__, "writer", uri, experiments[i % len(experiments)], str(amount), str(start_at), mode],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(processes)]
    results = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            results.append({"run_id": None, "latencies": [], "errors": [f"writer exited {p.returncode}: {err.strip()[-300:]}"], "logged": 0, "elapsed": 0, "late": 0})
        else:
            results.append(json.loads(out.strip().splitlines()[-1]))
    latencies = [x for r in results for x in r["latencies"]]
    errors = [e for r in results for e in r["errors"]]
    logged = sum(r["logged"] for r in results)
    stored = sum(len(client.get_metric_history(r["run_id"], "load")) for r in results if r["run_id"])
    wall = max(r["elapsed"] for r in results) if results else 0
    return {
        "processes": processes, "ops": logged, "errors": len(errors), "error_examples": sorted(set(errors))[:3],
        "stored": stored, "lost": logged - stored,
        "p50_ms": ms(pct(latencies, 50) or 0), "p99_ms": ms(pct(latencies, 99) or 0),
        "ops_per_s": round(logged / wall, 1) if wall else 0,
        "latest_start_s": round(max(r["late"] for r in results), 2) if results else 0,
    }


def checks(uri):
    client = MlflowClient(tracking_uri=uri)
    tag = uuid.uuid4().hex[:8]
    client.search_experiments(max_results=1)  # the store is open and warm
    out = {}
    # 1. A single experiment write.
    n = iter(range(10_000))
    w = timed(lambda: client.create_experiment(f"acceptance-{tag}-{next(n)}"), 30)
    out["experiment_write_ms"] = ms(statistics.median(w))
    # 3. Listing 100 experiments (there are at least that many now).
    while len(client.search_experiments(max_results=100)) < 100:
        client.create_experiment(f"acceptance-{tag}-fill-{next(n)}")
    out["list_100_experiments_ms"] = ms(statistics.median(timed(lambda: client.search_experiments(max_results=100), 20)))
    # 4. A 1000-point metric query: the longest history of the store's first run.
    first = client.search_experiments(max_results=50, order_by=["creation_time ASC"])
    run = next(r for r in client.search_runs([e.experiment_id for e in first], max_results=50) if r.data.metrics)
    points, key = max((len(client.get_metric_history(run.info.run_id, k)), k) for k in sorted(run.data.metrics))
    out["metric_points"] = points
    out["metric_1000_ms"] = ms(statistics.median(timed(lambda: client.get_metric_history(run.info.run_id, key), 20)))
    # 2. Five concurrent writers: latency per operation.
    five = load(uri, 5, 100, "ops", f"acceptance-{tag}-five")
    out["five_writers"] = five
    # 5. The concurrency test: 5+ parallel experiments writing at once, every metric stored.
    out["parallel_experiments"] = load(uri, 5, 200, "ops", f"acceptance-{tag}-parallel", separate=True)
    # The load that made the team move: 20 writers at once for a fixed time.
    out["twenty_writers"] = load(uri, 20, os.environ.get("ACCEPTANCE_SECONDS", "15"), "seconds", f"acceptance-{tag}-twenty")
    return out


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "checks":
        print(json.dumps(checks(sys.argv[2])))
    elif cmd == "writer":
        writer(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(f"unknown command {cmd}")
