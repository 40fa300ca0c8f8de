"""Where Secrets and ConfigMaps named by a Blueprint or a Profile are read from.

Kanister GETs them from the cluster: ActionSet ``secrets``/``configMaps``, phase ``objects`` and
the Profile's credential Secret. kancli resolves them through :class:`ObjectSource`, so the
same resolution code serves a live cluster (a source backed by ``kancli.kube``) and offline
rendering (:class:`ObjectSet`, filled from the ``objects`` list of a params file).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kancli.errors import KancliError, NotFoundError
from kancli.params.k8s import ConfigMap, Secret


class ObjectSource(Protocol):
    """Reads Secrets and ConfigMaps by namespace and name; raises a :class:`KancliError`."""

    def read_secret(self, namespace: str, name: str) -> Secret: ...

    def read_configmap(self, namespace: str, name: str) -> ConfigMap: ...


class ObjectSet:
    """An in-memory :class:`ObjectSource`: a fixed set of Secrets and ConfigMaps.

    ``missing_hint`` is attached to the error raised for an object that is not in the set, so an
    offline caller can say where to add it.
    """

    def __init__(
        self,
        secrets: Iterable[Secret] = (),
        configmaps: Iterable[ConfigMap] = (),
        *,
        missing_hint: str | None = None,
    ) -> None:
        self._secrets = {(s.namespace, s.name): s for s in secrets}
        self._configmaps = {(c.namespace, c.name): c for c in configmaps}
        self._missing_hint = missing_hint

    def read_secret(self, namespace: str, name: str) -> Secret:
        found = self._secrets.get((namespace, name))
        if found is None:
            raise self._missing("secrets", namespace, name)
        return found

    def read_configmap(self, namespace: str, name: str) -> ConfigMap:
        found = self._configmaps.get((namespace, name))
        if found is None:
            raise self._missing("configmaps", namespace, name)
        return found

    def _missing(self, resource: str, namespace: str, name: str) -> KancliError:
        # Same wording as the API server's 404 Status.message, with the namespace added.
        return NotFoundError(
            f'{resource} "{name}" not found in namespace "{namespace}"', hint=self._missing_hint
        )
