"""Declarations shared by several Kanister Functions (kanister-behaviour.md section 5.0).

The pod arguments (``podOverride``, ``podLabels``, ``podAnnotations``), the restic arguments
(``encryptionKey``, ``insecureTLS``), the default images, Kanister's ObjectReference and Wait
conditions as argument values, and the YAML-list arguments of the RDS functions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from kancli.functions.args import ArgType, StringArg, arg, go_field
from kancli.functions.weak import DecodeError, collect, decode_string

#: Kanister's tools image at the reference snapshot (``pkg/consts/consts.go``).
KANISTER_TOOLS_IMAGE = "ghcr.io/kanisterio/kanister-tools:0.119.0"
#: The image the RDS dump/restore pods use by default.
POSTGRES_TOOLS_IMAGE = "ghcr.io/kanisterio/postgres-kanister-tools:0.119.0"
#: restic's password when a Blueprint gives no ``encryptionKey``: sha256("testpassword") in hex.
DEFAULT_ENCRYPTION_KEY = hashlib.sha256(b"testpassword").hexdigest()
#: The ``version`` output of the restic functions.
OUTPUT_VERSION = "v0.0.0"

POD_OVERRIDE = "podOverride"
POD_LABELS = "podLabels"
POD_ANNOTATIONS = "podAnnotations"

TOOLS_IMAGE_DOC = f"the kanister-tools image ({KANISTER_TOOLS_IMAGE})"
VERSION_OUTPUT_HELP = 'Always "v0.0.0" (the function version).'


def pod_override_arg() -> Any:
    return arg(
        POD_OVERRIDE,
        default=None,
        help=(
            "A partial PodSpec strategic-merged into the pod the function creates (containers "
            "merge by name; the function's container is named `container`). The run's own pod "
            "override, when given, wins over this one."
        ),
    )


def pod_labels_arg() -> Any:
    return arg(
        POD_LABELS,
        default=None,
        help=(
            "Labels added to the pod the function creates. They must be valid Kubernetes labels; "
            "on a key conflict they win over the run's pod labels."
        ),
    )


def pod_annotations_arg() -> Any:
    return arg(
        POD_ANNOTATIONS,
        default=None,
        help=(
            "Annotations added to the pod the function creates (keys must be valid qualified "
            "names); on a key conflict they win over the run's pod annotations."
        ),
    )


def encryption_key_arg() -> Any:
    return arg(
        "encryptionKey",
        default=DEFAULT_ENCRYPTION_KEY,
        default_doc='sha256 of "testpassword" (Kanister\'s well-known default)',
        help="The restic repository password. Set your own: the default protects nothing.",
    )


def insecure_tls_arg() -> Any:
    return arg(
        "insecureTLS",
        default=False,
        help="Skip TLS certificate verification of the object store (restic --insecure-tls).",
    )


def tools_image_arg(purpose: str) -> Any:
    return arg(
        "image",
        default=None,
        default_doc=TOOLS_IMAGE_DOC,
        help=f"Image of the pod that {purpose}; it must contain bash and restic.",
    )


def credentials_source_arg() -> Any:
    return arg(
        "credentialsSource",
        default="profile",
        help=(
            "Where AWS credentials come from: `profile` (the location profile), `secret` "
            "(the Secret named by credentialsSecret) or `eks_service_account`."
        ),
    )


def credentials_secret_arg() -> Any:
    return arg(
        "credentialsSecret",
        default="",
        help="Name of the Secret holding AWS credentials when credentialsSource is `secret`.",
    )


def region_arg() -> Any:
    return arg("region", default="", help="AWS region; overrides the profile's region.")


def db_engine_arg(*, required: bool = False) -> Any:
    help_text = (
        "The RDS engine: `PostgreSQL`, or an Aurora engine (`aurora`, `aurora-mysql`, "
        "`aurora-postgresql`) to work on a cluster rather than an instance."
    )
    kind = StringArg("function.RDSDBEngine")
    if required:
        return arg("dbEngine", kind=kind, help=help_text)
    return arg("dbEngine", default="", kind=kind, help=help_text)


@dataclass(frozen=True)
class ObjectRef:
    """Kanister's ObjectReference as an argument value (``apiVersion`` is the version only)."""

    go_type: ClassVar[str] = "v1alpha1.ObjectReference"

    api_version: str = go_field("APIVersion", "")
    group: str = go_field("Group", "")
    resource: str = go_field("Resource", "")
    kind: str = go_field("Kind", "")
    name: str = go_field("Name", "")
    namespace: str = go_field("Namespace", "")


@dataclass(frozen=True)
class WaitCondition:
    """One condition of Wait/WaitV2: a template evaluated against the referenced object."""

    go_type: ClassVar[str] = "function.Condition"

    condition: str = go_field("Condition", "")
    object_reference: ObjectRef = go_field("ObjectReference", ObjectRef())  # noqa: RUF009 - frozen


@dataclass(frozen=True)
class WaitConditions:
    """``anyOf`` (one true condition is enough) and ``allOf`` (every condition must hold)."""

    go_type: ClassVar[str] = "function.WaitConditions"

    any_of: tuple[WaitCondition, ...] = go_field("AnyOf", ())
    all_of: tuple[WaitCondition, ...] = go_field("AllOf", ())


class YamlListArg(ArgType):
    """Kanister's ``GetYamlList``: a list of strings, or a string holding a YAML list.

    The string form lets a list come from a ConfigMap value or an input artifact
    (``"- sg-1\\n- sg-2"``). Any other value is an error ``Invalid <name> arg format``.
    """

    go_type = "[]string"
    doc = "list of strings (or a string holding a YAML list)"

    def __init__(self, key: str) -> None:
        self.key = key

    def decode(self, value: Any, name: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            named = [(f"{name}[{i}]", item) for i, item in enumerate(value)]
            return tuple(collect(named, decode_string))
        if isinstance(value, str):
            return self._from_yaml(value)
        raise DecodeError([f"Invalid {self.key} arg format"], bare=True)

    def _from_yaml(self, text: str) -> tuple[str, ...] | None:
        # go-yaml decodes a scalar into a string field as its source text (``yes`` stays
        # ``yes``), so read the composed nodes rather than PyYAML's resolved values.
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader) if text else None
        except yaml.YAMLError as exc:
            raise DecodeError([f"yaml: {str(exc).splitlines()[0]}"], bare=True) from None
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
            return None
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(item, yaml.ScalarNode) for item in node.value
        ):
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise DecodeError(
                [f"yaml: unmarshal errors: cannot unmarshal `{shown}` into []string"], bare=True
            )
        return tuple(str(item.value) for item in node.value)
