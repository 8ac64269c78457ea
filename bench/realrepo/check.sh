#!/usr/bin/env bash
# The real-repository check: flowspec-extract against CPython on every flow
# file of Pocket/data-flows (data-products and common-utils' test flows) at
# each commit given, or at every commit since 2023 that touches them.
#
# Usage: bench/realrepo/check.sh GIT_DIR [COMMIT ...]
# GIT_DIR is a fetched clone or bare mirror of Pocket/data-flows (the
# repository is not vendored). CPython imports each flow file with the
# project's own modules and common-utils, third-party packages stubbed
# (see lift_real.py); both sides plan for deployment type dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
git_dir=${1:?usage: check.sh GIT_DIR [COMMIT ...]}
shift
commits=("$@")
if [ ${#commits[@]} -eq 0 ]; then
	mapfile -t commits < <(git --git-dir="$git_dir" log --format=%h --since=2023-01-01 -- data-products common-utils)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$repo" && make -s build BIN="$work/bin" >/dev/null)
status=0
for c in "${commits[@]}"; do
	tree="$work/$c"
	mkdir -p "$tree"
	dirs=$(git --git-dir="$git_dir" ls-tree --name-only "$c" | grep -E '^(data-products|common-utils)$' || true)
	[ -n "$dirs" ] || continue
	# shellcheck disable=SC2086
	git --git-dir="$git_dir" archive "$c" $dirs | tar -x -C "$tree"
	for p in data-products common-utils; do
		[ -f "$tree/$p/pyproject.toml" ] || continue
		(cd "$tree/$p" && DF_CONFIG_DEPLOYMENT_TYPE=dev "$work/bin/flowspec-extract" --deployment-type dev --specs-only >"$work/go.json" 2>/dev/null) || true
		DF_CONFIG_DEPLOYMENT_TYPE=dev python3 "$here/lift_real.py" "$tree/$p" "$tree/common-utils/src" >"$work/py.json" 2>"$work/py.err" || {
			echo "$c $p: CPython's side failed: $(tail -1 "$work/py.err")"
			status=1
			continue
		}
		python3 "$here/compare.py" "$work/go.json" "$work/py.json" "$c $p" || status=1
	done
	rm -rf "$tree"
done
exit $status
