"""Write the hostile and broken inputs into a folder (default Fixtures/hostile/, git-ignored).

The tests run this script into a temporary folder and check that each input gives a clear error
and its documented exit code, without a crash, a hang, or anything written to the target.
Built from the MLflow 2.9.2 fixtures with Python's sqlite3 only (no MLflow needed).

  empty.db            a zero-byte file
  text.db             a text file
  truncated.db        the first 40% of an MLflow store
  corrupt-page.db     an MLflow store with one page in the middle overwritten with garbage
  not-mlflow.db       an SQLite database with unrelated tables only
  missing-column.db   MLflow's params table without its value column
  extra-column.db     MLflow's params table with one column more
  hostile-names.db    an MLflow store plus tables and columns named with quotes, semicolons, spaces,
                      a terminal escape sequence and a bidi override
  huge-value.db       a param value of 100 MB (over MLflow's varchar(8000))
"""
import os, shutil, sqlite3, sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "hostile")
os.makedirs(out, exist_ok=True)
rich = os.path.join(here, "mlflow-2.9.2", "rich.db")
p = lambda name: os.path.join(out, name)

open(p("empty.db"), "wb").close()
with open(p("text.db"), "w") as f:
    f.write("experiment_id,name\n0,Default\n" * 100)
data = open(rich, "rb").read()
with open(p("truncated.db"), "wb") as f:
    f.write(data[: len(data) * 2 // 5])
page = 4096
corrupt = bytearray(data)
middle = (len(corrupt) // page // 2) * page
corrupt[middle : middle + page] = bytes((i * 37 + 11) % 256 for i in range(page))
with open(p("corrupt-page.db"), "wb") as f:
    f.write(corrupt)

db = sqlite3.connect(p("not-mlflow.db"))
db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
db.execute("INSERT INTO customers VALUES (1, 'x')")
db.commit(); db.close()

def rebuilt(name, select, create):
    shutil.copyfile(rich, p(name))
    db = sqlite3.connect(p(name))
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute(create)
    db.execute(f"INSERT INTO params_new {select}")
    db.execute("DROP TABLE params")
    db.execute("ALTER TABLE params_new RENAME TO params")
    db.commit(); db.close()

rebuilt("missing-column.db", "SELECT key, run_uuid FROM params",
        "CREATE TABLE params_new (key VARCHAR(250) NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid))")
rebuilt("extra-column.db", "SELECT key, value, run_uuid, 'extra' FROM params",
        "CREATE TABLE params_new (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, note TEXT, PRIMARY KEY (key, run_uuid))")

shutil.copyfile(rich, p("hostile-names.db"))
db = sqlite3.connect(p("hostile-names.db"))
db.execute('CREATE TABLE "we""ird; DROP TABLE runs; --" ("a b" TEXT, "c""d" INTEGER, "e;f" REAL)')
db.execute('INSERT INTO "we""ird; DROP TABLE runs; --" VALUES (\'x\', 1, 2.5)')
db.execute('CREATE TABLE "Robert\'); DROP TABLE experiments;--" (x)')
# A name with a terminal escape sequence and a right-to-left override: shown escaped, never raw.
db.execute('CREATE TABLE "esc\x1b[31mred\u202eevil" (x)')
db.commit(); db.close()

shutil.copyfile(rich, p("huge-value.db"))
db = sqlite3.connect(p("huge-value.db"))
db.execute("UPDATE params SET value = ? WHERE key = 'lr'", ("v" * (100 * 1024 * 1024),))
db.commit(); db.close()
print("wrote", out)
