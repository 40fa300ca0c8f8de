"""Connecting to a cluster: kubeconfig or in-cluster configuration, and the HTTP transport.

kancli talks to the API server through REST paths it builds itself (``/apis/apps/v1/...``) over
the ``kubernetes`` client's configured urllib3 pool, so that TLS, client certificates, proxies and
token refresh (exec plugins, in-cluster token rotation) all come from the official client while
responses stay unstructured JSON (integers kept as ints) and no generated model is ever built.
Nothing here reads ``os.environ``: the CLI passes the kubeconfig path(s); only the library's own
in-cluster loader looks at ``KUBERNETES_SERVICE_HOST``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlencode

from kancli import __version__
from kancli.errors import ClusterError
from kancli.kube.apierrors import error_for_status, status_message, translated

if TYPE_CHECKING:
    import urllib3
    from kubernetes.client import ApiClient, Configuration

SERVICE_ACCOUNT_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
CONNECT_TIMEOUT = 15.0
READ_TIMEOUT = 120.0
_MAX_ERROR_BODY = 64 * 1024

Query = Sequence[tuple[str, str]] | Mapping[str, str]


class Connection:
    """A configured client for one cluster and context; API clients are built on first use."""

    def __init__(
        self, configuration: Configuration, *, namespace: str, context: str, source: str
    ) -> None:
        self.configuration = configuration
        self.namespace = namespace
        self.context = context
        self.source = source
        self._api_client: ApiClient | None = None
        self._lock = threading.Lock()
        self.watch_supported = True

    @property
    def host(self) -> str:
        return str(self.configuration.host)

    @property
    def api_client(self) -> ApiClient:
        with self._lock:
            if self._api_client is None:
                from kubernetes.client import ApiClient

                client = ApiClient(self.configuration)
                client.user_agent = f"kancli/{__version__}"
                self._api_client = client
            return self._api_client

    def close(self) -> None:
        with self._lock:
            if self._api_client is not None:
                self._api_client.rest_client.close()
                self._api_client = None

    def auth_headers(self, method: str, path: str) -> dict[str, str]:
        """Authorization headers for one request (refreshes expiring tokens first)."""
        headers: dict[str, str] = {}
        update = cast(Callable[..., None], self.api_client.update_params_for_auth)
        update(headers, [], ["BearerToken"], path, method, None)
        return headers

    def url(self, path: str, query: Query | None = None) -> str:
        """The full URL for an API path, with an encoded query string."""
        url = self.host.rstrip("/") + path
        if query:
            url += "?" + urlencode(query, quote_via=quote)
        return url

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        content_type: str = "application/json",
        accept: str = "application/json",
        timeout: float | tuple[float, float] | None = READ_TIMEOUT,
        stream: bool = False,
        what: str = "",
    ) -> urllib3.BaseHTTPResponse:
        """Send one request; a non-2xx answer raises the matching kancli error.

        With ``stream`` the response is returned unread (the caller reads and releases it);
        otherwise its body is read completely before returning.
        """
        import urllib3

        headers = {"Accept": accept, "User-Agent": f"kancli/{__version__}"}
        payload: bytes | None = None
        if body is not None:
            headers["Content-Type"] = content_type
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        if timeout is None:
            tmo = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=None)
        elif isinstance(timeout, tuple):
            tmo = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        else:
            tmo = urllib3.Timeout(connect=min(CONNECT_TIMEOUT, timeout), read=timeout)
        pool = self.api_client.rest_client.pool_manager
        with translated(host=self.host, what=what):
            headers.update(self.auth_headers(method, path))  # may run an exec credential plugin
            resp = pool.request(
                method,
                self.url(path, query),
                body=payload,
                headers=headers,
                timeout=tmo,
                preload_content=False,
            )
            if not 200 <= resp.status <= 299:
                try:
                    data = resp.read(_MAX_ERROR_BODY)
                finally:
                    resp.release_conn()
                message = status_message(data, resp.status, resp.reason or "")
                raise error_for_status(resp.status, f"{what}: {message}" if what else message)
            if not stream:
                try:
                    resp.read(cache_content=True)  # kept for ``resp.data``
                finally:
                    resp.release_conn()
        return resp

    def request_json(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        content_type: str = "application/json",
        timeout: float | None = READ_TIMEOUT,
        what: str = "",
    ) -> Any:
        """Send one request and decode its JSON answer (``None`` for an empty body)."""
        resp = self.request(
            method,
            path,
            query=query,
            body=body,
            content_type=content_type,
            timeout=timeout,
            what=what,
        )
        data = resp.data
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError as exc:
            raise ClusterError(
                f"{what + ': ' if what else ''}the API server at {self.host} sent "
                f"a response that is not JSON"
            ) from exc


def connect(kubeconfig: str | os.PathLike[str] | None, context: str | None) -> Connection:
    """Load the client configuration for ``context`` of ``kubeconfig``.

    ``kubeconfig`` is a path or several joined with ``os.pathsep`` (as ``KUBECONFIG`` holds
    them); ``None`` means "no kubeconfig": use the pod's service account (in-cluster). Nothing is
    sent to the server here: an unreachable server is reported by the first request.
    """
    from kubernetes.client import Configuration

    configuration = Configuration()
    configuration.connection_pool_maxsize = 16
    if kubeconfig is None:
        return _connect_in_cluster(configuration, context)
    kubeconfig = os.fspath(kubeconfig)
    paths = [os.path.expanduser(p) for p in kubeconfig.split(os.pathsep) if p]
    existing = [p for p in paths if os.path.exists(p)]
    if not existing:
        raise ClusterError(
            f"kubeconfig {kubeconfig} does not exist",
            hint="pass --kubeconfig or set KUBECONFIG to a readable kubeconfig file",
        )
    joined = os.pathsep.join(existing)
    active, namespace = _select_context(joined, context)
    _load_kubeconfig(joined, active, configuration)
    return Connection(configuration, namespace=namespace, context=active, source=joined)


def _connect_in_cluster(configuration: Configuration, context: str | None) -> Connection:
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import load_incluster_config

    if context:
        raise ClusterError(
            f"--context {context} needs a kubeconfig, and none was given",
            hint="pass --kubeconfig or set KUBECONFIG",
        )
    load = cast(Callable[..., None], load_incluster_config)
    try:
        load(client_configuration=configuration)
    except ConfigException as exc:
        raise ClusterError(
            f"no kubeconfig given and no in-cluster service account available ({exc})",
            hint="pass --kubeconfig or set KUBECONFIG",
        ) from exc
    try:
        namespace = SERVICE_ACCOUNT_NAMESPACE.read_text().strip() or "default"
    except OSError:
        namespace = "default"
    return Connection(configuration, namespace=namespace, context="in-cluster", source="in-cluster")


def _select_context(kubeconfig: str, context: str | None) -> tuple[str, str]:
    """The context to use and its default namespace, with kancli's own error texts.

    Files merge as kubectl merges them: the first file that defines a context (or sets
    ``current-context``) wins.
    """
    import yaml

    contexts: dict[str, Any] = {}
    current = ""
    for path in kubeconfig.split(os.pathsep):
        try:
            with open(path) as fh:
                doc = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ClusterError(
                f"kubeconfig {path} is not valid YAML: {_yaml_problem(exc)}"
            ) from exc
        except OSError as exc:
            raise ClusterError(f"cannot read kubeconfig {path}: {exc.strerror or exc}") from exc
        if doc is None:
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("contexts") or [], list):
            raise ClusterError(f"kubeconfig {path} is not a kubeconfig (expected a Config mapping)")
        for entry in doc.get("contexts") or []:
            if isinstance(entry, dict) and entry.get("name") is not None:
                contexts.setdefault(str(entry["name"]), entry.get("context"))
        current = current or str(doc.get("current-context") or "")
    name = context if context is not None else current
    if not name:
        raise ClusterError(
            f"kubeconfig {kubeconfig} sets no current-context", hint="pass --context"
        )
    if name not in contexts:
        known = ", ".join(sorted(contexts)) or "none"
        raise ClusterError(
            f"context {name!r} not found in kubeconfig {kubeconfig} (contexts: {known})",
            hint="pick one with --context",
        )
    body = contexts[name]
    namespace = body.get("namespace") if isinstance(body, dict) else None
    return name, str(namespace or "default")


def _load_kubeconfig(kubeconfig: str, context: str, configuration: Configuration) -> None:
    import yaml
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import load_kube_config

    load = cast(Callable[..., None], load_kube_config)
    try:
        load(
            config_file=kubeconfig,
            context=context,
            client_configuration=configuration,
            persist_config=False,
        )
    except yaml.YAMLError as exc:
        raise ClusterError(
            f"kubeconfig {kubeconfig} is not valid YAML: {_yaml_problem(exc)}"
        ) from exc
    except ConfigException as exc:
        raise ClusterError(f"invalid kubeconfig {kubeconfig} (context {context}): {exc}") from exc
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ClusterError(
            f"cannot use context {context} of kubeconfig {kubeconfig}: {type(exc).__name__}: {exc}"
        ) from exc


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)
