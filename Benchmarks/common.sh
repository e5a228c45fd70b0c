# Shared by the benchmark scripts (sourced, from the checkout's root).

# Starts a throwaway PostgreSQL cluster in a new folder /tmp/mlflow-pg-migrate-$1-pg.XXXXXX, exports
# its connection settings, and stops it when the script exits. A cluster that does not start
# stops the script (an assignment, not eval "$(...)", so that set -e sees the failure).
bench_cluster() {
  cluster="$(mktemp -d "/tmp/mlflow-pg-migrate-$1-pg.XXXXXX")"
  trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
  local started
  started="$(scripts/pg-cluster.sh start "$cluster")"
  eval "$started"
}

# The read floor: just reading both sides, as verify does. An SQLite scan touching every column
# of every table, then COPY ... TO STDOUT (FORMAT binary) of every table through psql.
read_floor() {  # $1 = sqlite file, $2 = database
  local sql="" copies=() t
  for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"); do
    local cols
    cols=$(sqlite3 "$1" "SELECT group_concat(CASE WHEN type IN ('INTEGER','BIGINT','FLOAT','BOOLEAN') THEN 'total(\"' || name || '\")' ELSE 'sum(length(\"' || name || '\"))' END, ', ') FROM pragma_table_info('$t')")
    sql+="SELECT $cols FROM \"$t\";"
    copies+=(-c "COPY \"$t\" TO STDOUT (FORMAT binary)")
  done
  sqlite3 "$1" "$sql" >/dev/null
  psql -X -q -d "$2" "${copies[@]}" >/dev/null
}

# The time now, in seconds; the median of the numbers on stdin, one per line.
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The generated store of size $1 (runs x keys x steps) in $data, made when missing; prints its path.
bench_store() {
  local runs keys steps src="$data/store-$1.db"
  IFS=x read -r runs keys steps <<<"$1"
  [ -f "$src" ] || python3 Benchmarks/generate_store.py "$src" --runs "$runs" --keys "$keys" --steps "$steps" >&2
  echo "$src"
}
