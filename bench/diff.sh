#!/usr/bin/env bash
# Diff benchmark: `deployer diff` of two 1,000-flow plans against CPython's
# json.load of the same two files, in one run on this machine. The plans
# are of the generated corpus at two commits, so every image tag, task
# definition and deployment version differs (about 4,000 changes): a diff
# that reads, checks and compares everything. Prints both times and their
# ratio (target <= 2).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make -s build BIN="$work" >/dev/null
go run ./bench/gencorpus "$work/corpus" "$N"
for sha in 3f9a1c27d4b5 77e1d0c9a8b6; do
	"$work/flowspec-extract" --project "$work/corpus" --deployment-type main --git-sha "$sha" \
		--aws-account-id 123456789012 --skip-invalid -o "$work/plan-$sha.json" 2>/dev/null
done
old="$work/plan-3f9a1c27d4b5.json"
new="$work/plan-77e1d0c9a8b6.json"
bytes=$(($(wc -c <"$old") + $(wc -c <"$new")))
"$work/deployer" diff "$old" "$new" >"$work/diff.txt"
changes=$(grep -c '^      [-+~] ' "$work/diff.txt" || true)

# CPython's time is taken inside the interpreter, around the two loads
# only (its start-up is not counted); deployer's is the wall time of the
# whole command, start-up, reading, digest checks and output included.
py_load() {
	python3 - "$old" "$new" <<'PY'
import json, sys, time
t = time.perf_counter()
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        json.load(f)
print(f"{time.perf_counter() - t:.4f}")
PY
}

# Warm the page cache, then let the two sides take turns, so that a slow
# spell of this shared machine falls on both; each keeps its fastest round.
cat "$old" "$new" >/dev/null
ROUNDS=${ROUNDS:-7}
py_best=""
go_best=""
for _ in $(seq "$ROUNDS"); do
	t=$(py_load)
	if [ -z "$py_best" ] || awk "BEGIN{exit !($t < $py_best)}"; then py_best=$t; fi
	/usr/bin/time -o "$work/time" -f '%e' "$work/deployer" diff "$old" "$new" >/dev/null
	t=$(tail -1 "$work/time")
	if [ -z "$go_best" ] || awk "BEGIN{exit !($t < $go_best)}"; then go_best=$t; fi
done

ratio=$(awk "BEGIN{printf \"%.2f\", $go_best / $py_best}")
echo "plans:               2 x $N flows, $bytes bytes, $changes field changes"
echo "CPython json.load:   ${py_best}s (best of $ROUNDS, both files, $(python3 -c 'import platform; print("CPython", platform.python_version())'))"
echo "deployer diff:       ${go_best}s (best of $ROUNDS, wall, the whole command)"
echo "ratio:               $ratio (target <= 2)"
awk "BEGIN{exit !($ratio <= 2)}" || { echo "ratio above target" >&2; exit 1; }
