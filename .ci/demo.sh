#!/usr/bin/env bash
# The demo (`make demo`): start the local test cluster, deploy the example app, back it up
# with kancli, lose the data, restore it from the recorded backup artifacts, and check it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.venv/bin
work=$(mktemp -d)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting the test cluster (a Kubernetes API server whose pods are containerd containers)"
"$BIN/python" -m tests.cluster up --s3 none >"$work/up.out" 2>"$work/up.err" &
cluster=$!
cleanup() { kill -TERM "$cluster" 2>/dev/null || true; wait "$cluster" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do
    grep -q '^KUBECONFIG=' "$work/up.out" && break
    kill -0 "$cluster" 2>/dev/null || { cat "$work/up.err" >&2; exit 1; }
    sleep 0.1
done
KUBECONFIG=$(sed -n 's/^KUBECONFIG=//p' "$work/up.out" | head -n 1)
export KUBECONFIG
echo "KUBECONFIG=$KUBECONFIG"

say "deploying the example app (blueprints/apps/notebook.yaml)"
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n' | kubectl apply -f -
kubectl -n demo apply -f blueprints/apps/notebook.yaml
kubectl -n demo rollout status deployment/notebook --timeout=60s
sleep 6   # let the app write a few lines to its volume

say "kancli run ... --action backup"
"$BIN/kancli" run blueprints/notebook-blueprint.yaml --action backup \
    --deployment demo/notebook --output json >"$work/backup.json"
"$BIN/python" - "$work/backup.json" "$work/artifacts.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
artifacts = result["actions"][0]["artifacts"]
json.dump(artifacts, open(sys.argv[2], "w"))
print("recorded artifacts:", json.dumps(artifacts, indent=2))
PY
backed_up=$("$BIN/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["notebookBackup"]["keyValue"]["lines"])' "$work/artifacts.json")

say "losing the data"
pod=$(kubectl -n demo get pods -l app=notebook -o jsonpath='{.items[0].metadata.name}')
kubectl -n demo exec "$pod" -- sh -c ': > /data/notes.log; wc -l < /data/notes.log'

say "kancli run ... --action restore (artifacts from the backup run)"
"$BIN/kancli" run blueprints/notebook-blueprint.yaml --action restore \
    --deployment demo/notebook --artifacts-file "$work/artifacts.json"

say "checking the restored data"
kubectl -n demo rollout status deployment/notebook --timeout=60s
pod=$(kubectl -n demo get pods -l app=notebook -o jsonpath='{.items[0].metadata.name}')
restored=$(kubectl -n demo exec "$pod" -- sh -c 'wc -l < /data/notes.log')
echo "lines at backup: $backed_up; lines now: $restored"
if [ "$restored" -lt "$backed_up" ]; then
    echo "demo: FAILED: the restored log is shorter than the backup" >&2
    exit 1
fi
say "demo passed: backup -> data loss -> restore round trip verified"
