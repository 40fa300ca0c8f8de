"""Throughput and memory of BackupData -> RestoreData of a few hundred MiB through the cluster.

Marked slow. It prints MiB/s and peak RSS (``-s``) and checks that memory does not grow with the
data. Note that the test cluster's API server runs in this process, so its exec relay buffers
count in the RSS too (the backup side, kancli's own, grows by well under the data size).
"""

from __future__ import annotations

import resource
import time
import uuid

import pytest

from kancli.kube.facade import Kube
from kancli.kube.resources import PVCS
from tests.datafuncs.conftest import Target
from tests.datafuncs.test_restore_data import LISTING, _app_pod, _exec
from tests.functions_cluster.conftest import FunctionRunner
from tests.functions_cluster.workloads import pvc

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

SIZE_MIB = 300


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("target", ["local"], indirect=True)
def test_a_300_mib_round_trip_streams_in_bounded_memory(
    kube: Kube, namespace: str, funcs: FunctionRunner, target: Target
) -> None:
    claim = f"big-{uuid.uuid4().hex[:6]}"
    kube.create(PVCS, pvc(claim), namespace)
    app = _app_pod(kube, namespace, claim)
    _exec(
        kube,
        namespace,
        app,
        f"dd if=/dev/urandom of=/data/random bs=1M count={SIZE_MIB // 2} 2>/dev/null && "
        f"dd if=/dev/zero of=/data/zeros bs=1M count={SIZE_MIB // 2} 2>/dev/null",
    )
    before = _exec(kube, namespace, app, LISTING)
    rss_start = _rss_mib()
    started = time.monotonic()
    out, _ = funcs.run(
        "BackupData",
        {
            "namespace": namespace,
            "pod": app,
            "container": "app",
            "includePath": "/data",
            "backupArtifactPrefix": target.prefix,
        },
        params=target.params,
        timeout=600,
    )
    backup_s = time.monotonic() - started
    backup_growth = _rss_mib() - rss_start
    assert out is not None
    _exec(kube, namespace, app, "rm -rf /data/*")
    started = time.monotonic()
    funcs.run(
        "RestoreData",
        {
            "namespace": namespace,
            "image": "any",
            "backupArtifactPrefix": target.prefix,
            "backupTag": out["backupTag"],
            "volumes": {claim: "/data"},
        },
        params=target.params,
        timeout=600,
    )
    restore_s = time.monotonic() - started
    assert _exec(kube, namespace, app, LISTING) == before
    growth = _rss_mib() - rss_start
    print(
        f"\nbackup {SIZE_MIB / backup_s:.1f} MiB/s, restore {SIZE_MIB / restore_s:.1f} MiB/s, "
        f"peak RSS {_rss_mib():.0f} MiB (growth {backup_growth:.0f} MiB after backup, "
        f"{growth:.0f} MiB after restore)"
    )
    assert backup_growth < SIZE_MIB / 2
    assert growth < SIZE_MIB
