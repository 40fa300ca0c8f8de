"""The test cluster's Kubernetes API server (aiohttp on 127.0.0.1); entry point ``server.py``.

kubectl 1.32 and the official Python client talk to it as to a real cluster: discovery (legacy
and aggregated), list/watch with label and field selectors, create (``generateName``), update
with optimistic concurrency, the four PATCH flavours, delete with grace periods, propagation
policies and garbage collection, the ``status`` and ``scale`` subresources, ``pods/log``
(follow, tail, timestamps, since, previous) and ``pods/exec`` over websockets (v5, v4, v3, v2,
v1, base64 channel protocols). Pods run on the node (``tests/cluster/node``), PVCs bind to
host directories, Deployments/ReplicaSets/StatefulSets have controllers, and errors are real
``Status`` objects worded as a real server words them. Server-side tables make ``kubectl get``
print the usual columns.

Module map: ``resources`` (served types), ``store`` (objects, resourceVersion, watch),
``objects`` (write paths), ``defaults``/``podspec`` (defaulting, 422 validation), ``rest``
(routing, verbs), ``bodies`` (decoding, patches, Scale), ``patching``, ``selectors``,
``discovery``, ``openapi``, ``tables``, ``streaming`` (exec, logs), ``auth`` (token, RBAC
switch, SelfSubjectAccessReview), ``protobuf``, ``tls``, ``controllers/`` (scheduler and pod
lifecycle, volume binder, namespaces, garbage collector, Deployment, ReplicaSet, StatefulSet).

Different from a real cluster, on purpose or for now:

* OpenAPI: ``/openapi/v3`` lists each type's PATCH operation only (so kubectl knows the server
  validates fields), without schemas; ``fieldValidation=Strict`` is accepted but unknown fields
  are stored; ``/openapi/v2`` is 404, so ``kubectl explain`` does not work.
* Protobuf: only SelfSubjectAccessReview request bodies are decoded (``kubectl auth can-i``);
  every answer is JSON, which all clients accept.
* Server-side apply is a strategic merge of the applied configuration: no managedFields, no
  ownership conflicts, fields dropped from the configuration are not removed.
* Deployments roll out by recreate (the old ReplicaSet goes to zero at once); no progress
  deadline, no pause. ``pod-template-hash`` and ``controller-revision-hash`` have the real
  format but are hashed from JSON, so their values differ from a real cluster's. StatefulSets
  write no ControllerRevision objects; ``whenScaled: Delete`` is not implemented.
* Lists ignore ``limit``/``continue`` and return everything. Watches keep the last 20000
  events (older resourceVersions get 410); bookmarks are only sent for ``sendInitialEvents``.
* Field selectors: ``metadata.name``, ``metadata.namespace`` and a per-type subset
  (``status.phase``, ``spec.nodeName`` for pods, ``type`` for secrets...).
* RBAC: everything is allowed for user ``kubernetes-admin`` until a test forbids something.
  A bearer token needs ``tls=True`` for kubectl, which sends tokens only over https.
* No service-account tokens, no Service networking or Endpoints controller, no Events written
  by the controllers, no quota or limit admission. A second delete of a terminating pod does
  not shorten its grace period. A namespace whose objects keep foreign finalizers is removed
  after 120 s anyway.
"""

from tests.cluster.apiserver.auth import ForbidHandle, Rule
from tests.cluster.apiserver.server import ApiServer, RequestRecord

__all__ = ["ApiServer", "ForbidHandle", "RequestRecord", "Rule"]
