"""Write the kubeconfig that points kubectl and the kubernetes client at the test cluster."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml

CONTEXT = "kancli-test"


def write_kubeconfig(
    path: Path,
    server_url: str,
    *,
    token: str | None = None,
    ca_pem: bytes | None = None,
    namespace: str = "default",
) -> Path:
    """A kubeconfig with one cluster/user/context: http, or https trusting ``ca_pem``; an
    optional bearer token (kubectl only sends it over https)."""
    user: dict[str, str] = {"token": token} if token else {}
    cluster: dict[str, str] = {"server": server_url}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": cluster}],
        "users": [{"name": CONTEXT, "user": user}],
        "contexts": [
            {
                "name": CONTEXT,
                "context": {"cluster": CONTEXT, "user": CONTEXT, "namespace": namespace},
            }
        ],
        "current-context": CONTEXT,
        "preferences": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)
    return path
