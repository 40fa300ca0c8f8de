#!/usr/bin/env bash
# Install the system packages the test cluster needs, on Debian 12 as root, without systemd.
#
# Idempotent and non-interactive: run it as often as you like (`make system-deps` does).
#   containerd, runc      the container runtime behind the test cluster's pods (tests/cluster/node)
#   busybox-static        the static multi-call binary the test image is built from (tests/cluster/image)
#   bash-static           a real bash for the image: Kanister runs `bash -o errexit -o pipefail -c`
#   restic                the backup tool Kanister's data functions drive inside pods (baked into
#                         the image together with the two glibc files it links against)
#   iproute2, util-linux  ip/nsenter/mount helpers used when debugging the node by hand
#
# Optional: KANCLI_WITH_S3RVER=1 also installs s3rver (npm), the disk-backed S3 server used by
# big-stream tests (tests/cluster/s3.py, server="s3rver"). Nothing is started here: the test
# fixtures start their own private containerd and S3 servers and stop them again.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "system-deps.sh: must run as root (apt-get install)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
PACKAGES=(containerd runc busybox-static bash-static restic iproute2 util-linux zsh fish chromium)
# zsh, fish: tests/completions load the generated completion scripts in each shell.
# chromium: the HTML run-report test opens the report headless and checks every phase row.

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]})); then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" >/dev/null
    echo "system-deps.sh: installed ${missing[*]}"
else
    echo "system-deps.sh: ${PACKAGES[*]} already installed"
fi

# Debian's package would start containerd through systemd; there is none here, and the tests run
# their own instance with a private socket, so nothing else needs doing for containerd.
for cmd in containerd ctr runc busybox bash-static; do
    command -v "$cmd" >/dev/null || { echo "system-deps.sh: $cmd missing after install" >&2; exit 1; }
done

# kubectl drives the test cluster in the conformance tests and the benchmarks' baselines. The
# machine image ships one; Debian's package is the fallback on a machine without it.
if ! command -v kubectl >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null \
        || apt-get install -y -qq --no-install-recommends kubectl >/dev/null
    command -v kubectl >/dev/null || { echo "system-deps.sh: kubectl missing after install" >&2; exit 1; }
fi

if [[ ${KANCLI_WITH_S3RVER:-0} == 1 ]]; then
    if ! command -v s3rver >/dev/null; then
        command -v npm >/dev/null || { echo "system-deps.sh: npm is needed for s3rver" >&2; exit 1; }
        npm install --global --silent --no-audit --no-fund s3rver@3.7.1
    fi
    echo "system-deps.sh: s3rver $(s3rver --version 2>/dev/null || echo present)"
fi
