"""Capture the PostgreSQL schema that one MLflow version creates, and its schema map.

Run by schema/generate.sh inside a virtualenv holding that MLflow version. It lets real MLflow
create a fresh SQLite store and a fresh PostgreSQL store (an empty database given by --pg-dbname),
then writes, for the alembic head revision MLflow reached:

  schema/<revision>/pre-data.sql   tables, sequences, column defaults (pg_dump --section=pre-data)
  schema/<revision>/post-data.sql  keys, unique constraints, indexes, foreign keys (--section=post-data)
  schema/<revision>/map.json       every table and column: SQLite declared type, PostgreSQL type,
                                   nullability, generated flag; primary keys, referenced tables,
                                   sequences, and the rows MLflow inserts into a fresh store itself.

The DDL is pg_dump's, with comments, SET lines and the `public.` qualifier removed so that it
applies to whatever schema the import targets. Names of constraints and indexes are MLflow's own.
"""
import argparse, json, os, re, sqlite3, subprocess, sys, tempfile

import mlflow
import psycopg2
from mlflow.tracking import MlflowClient  # where MLflow 1.0 has it too


def clean_dump(text):
    out = []
    for line in text.splitlines():
        if line.startswith("--") or line.startswith("\\restrict") or line.startswith("\\unrestrict"):
            continue
        if line.startswith("SET ") or line.startswith("SELECT pg_catalog.set_config"):
            continue
        out.append(re.sub(r"\bpublic\.", "", line))
    sql = "\n".join(out)
    sql = re.sub(r"\n{3,}", "\n\n", sql).strip() + "\n"
    return sql


def write_chain(out):
    """Write schema/alembic-chain.json: MLflow's migration chain, base first, if longer than the one there."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    try:
        import mlflow.store.db_migrations as migrations
    except ImportError:  # before 1.5 the migrations lived elsewhere; a newer release's chain is longer
        return
    cfg = Config()
    cfg.set_main_option("script_location", os.path.dirname(migrations.__file__))
    script = ScriptDirectory.from_config(cfg)
    chain = [{"revision": r.revision, "doc": (r.doc or "").strip()} for r in script.walk_revisions()]
    chain.reverse()
    path = os.path.join(out, "alembic-chain.json")
    if os.path.exists(path):
        with open(path) as f:
            if len(json.load(f)["chain"]) >= len(chain):
                return
    with open(path, "w") as f:
        json.dump({"from": f"mlflow {mlflow.__version__}", "chain": chain}, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-dbname", required=True)
    ap.add_argument("--out", required=True, help="the schema/ folder")
    args = ap.parse_args()

    host, port = os.environ["PGHOST"], os.environ["PGPORT"]
    work = tempfile.mkdtemp(prefix="mlflow-capture-")
    os.chdir(work)  # MLflow puts ./mlruns next to the current directory
    sqlite_path = os.path.join(work, "fresh.db")
    # The server comes from PGHOST and PGPORT (libpq reads them): MLflow 1.x hands the URI to
    # alembic's configparser, which cannot take the percent-escaped socket path in a query.
    pg_uri = f"postgresql+psycopg2://postgres@/{args.pg_dbname}"
    for uri in (f"sqlite:///{sqlite_path}", pg_uri):
        client = MlflowClient(tracking_uri=uri)
        # search_experiments from 1.28, list_experiments until 1.30: either makes MLflow create its store.
        (client.search_experiments if hasattr(client, "search_experiments") else client.list_experiments)()

    pg = psycopg2.connect(dbname=args.pg_dbname, host=host, port=port, user="postgres")
    cur = pg.cursor()
    cur.execute("SELECT version_num FROM alembic_version")
    (revision,) = cur.fetchone()
    lite = sqlite3.connect(sqlite_path)
    (lite_revision,) = lite.execute("SELECT version_num FROM alembic_version").fetchone()
    if lite_revision != revision:
        sys.exit(f"SQLite store is at {lite_revision}, PostgreSQL at {revision}")

    cur.execute("""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r','p') ORDER BY c.relname""")
    pg_tables = [r[0] for r in cur.fetchall()]
    lite_tables = sorted(r[0] for r in lite.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))
    if pg_tables != lite_tables:
        sys.exit(f"table sets differ: PostgreSQL {pg_tables} SQLite {lite_tables}")

    tables = []
    for t in pg_tables:
        cur.execute("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '',
                   a.attidentity <> ''
            FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""", (f'public."{t}"',))
        pg_cols = cur.fetchall()
        lite_cols = {r[1]: r for r in lite.execute(f'PRAGMA table_xinfo("{t}")')}
        columns = []
        for name, pg_type, notnull, generated, identity in pg_cols:
            if name not in lite_cols:
                sys.exit(f"{t}.{name} is in PostgreSQL but not in SQLite")
            col = {"name": name, "sqlite": lite_cols[name][2], "pg": pg_type, "nullable": not notnull}
            if generated:
                col["generated"] = True
            if identity:
                col["identity"] = True
            columns.append(col)
        missing = set(lite_cols) - {c["name"] for c in columns}
        if missing:
            sys.exit(f"{t}: columns only in SQLite: {sorted(missing)}")
        cur.execute("""
            SELECT a.attname FROM pg_index i
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY k.ord""", (f'public."{t}"',))
        pk = [r[0] for r in cur.fetchall()]
        cur.execute("""
            SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1""", (f'public."{t}"',))
        refs = [r[0].strip('"') for r in cur.fetchall()]
        tables.append({"name": t, "primaryKey": pk, "references": refs, "columns": columns})

    cur.execute("""
        SELECT s.relname, t.relname, a.attname
        FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE s.relkind = 'S' AND n.nspname = 'public' AND d.deptype IN ('a','i')
        ORDER BY 1""")
    sequences = [{"name": s, "table": t, "column": c} for s, t, c in cur.fetchall()]

    created = {}
    for t in pg_tables:
        cur.execute(f'SELECT count(*) FROM "{t}"')
        (n,) = cur.fetchone()
        if n:
            created[t] = n

    folder = os.path.join(args.out, revision)
    os.makedirs(folder, exist_ok=True)
    map_path = os.path.join(folder, "map.json")
    versions = {mlflow.__version__}
    if os.path.exists(map_path):
        with open(map_path) as f:
            versions |= set(json.load(f).get("mlflowVersions", []))
    doc = {
        "revision": revision,
        "mlflowVersions": sorted(versions, key=lambda v: [int(x) if x.isdigit() else x for x in v.split(".")]),
        "tables": tables,
        "sequences": sequences,
        "createdRows": created,
    }
    with open(map_path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    write_chain(args.out)
    for section in ("pre-data", "post-data"):
        dump = subprocess.run(
            ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "--no-comments",
             f"--section={section}", args.pg_dbname],
            check=True, capture_output=True, text=True).stdout
        with open(os.path.join(folder, f"{section}.sql"), "w") as f:
            f.write(clean_dump(dump))
    print(f"{mlflow.__version__} -> {revision}: {len(tables)} tables, {len(sequences)} sequences")


if __name__ == "__main__":
    main()
