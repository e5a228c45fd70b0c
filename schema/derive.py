"""Write the revisions no release can create on PostgreSQL from their identical neighbours.

MLflow 1.15.0 (revision 39d1c3be5f05) cannot create a PostgreSQL store: its migration 39d1c3be5f05
passes `default=` to alembic's alter_column, which alembic rejects for PostgreSQL (MLflow 1.16.0
followed it with c48cb773bb87). Its SQLite stores exist all the same. The revisions just before
(a8c4a736bde6, MLflow 1.14.1) and just after (c48cb773bb87, MLflow 1.16.0+) produce the same
PostgreSQL schema and map, file for file; this script checks that they still do and writes
schema/39d1c3be5f05 as that schema, with its own revision and release, and `derivedFrom` naming
both neighbours. Run by schema/generate.sh after the captures.
"""
import json, pathlib, sys

root = pathlib.Path(__file__).resolve().parent
DERIVED = {"39d1c3be5f05": {"mlflowVersions": ["1.15.0"], "between": ["a8c4a736bde6", "c48cb773bb87"]}}


def schema_of(revision):
    folder = root / revision
    doc = json.loads((folder / "map.json").read_text())
    return ({k: v for k, v in doc.items() if k not in ("revision", "mlflowVersions")},
            (folder / "pre-data.sql").read_text(), (folder / "post-data.sql").read_text())


for revision, spec in DERIVED.items():
    before, after = spec["between"]
    if schema_of(before) != schema_of(after):
        sys.exit(f"derive: {before} and {after} differ; {revision} cannot be derived from them")
    body, pre, post = schema_of(before)
    folder = root / revision
    folder.mkdir(exist_ok=True)
    doc = {"revision": revision, "mlflowVersions": spec["mlflowVersions"], **body, "derivedFrom": spec["between"]}
    (folder / "map.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    (folder / "pre-data.sql").write_text(pre)
    (folder / "post-data.sql").write_text(post)
    print(f"derived {revision} from {before} and {after}")
