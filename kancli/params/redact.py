"""Keep Secret values out of what kancli prints: rendered args, logs and error messages.

Kanister leaves this to Blueprint authors ("It is up to the author of each Blueprint to guarantee
that secrets are not logged"), yet real Blueprints template passwords straight into shell
scripts. A :class:`Redactor` knows the secret values of one run and replaces every occurrence of
them in text with ``<redacted>``.

Which values are secret: every value of ``Data`` and ``StringData`` of ``.Secrets`` and of the
Secrets of phase ``objects`` (``.Phases.p.Secrets``, ``.DeferPhase.Secrets``); the Profile's
resolved credential (``KeyPair.ID`` and ``.Secret``, the credential Secret's data, the Kopia
server password); and the ``data`` of ``.Object`` when the subject itself is a Secret.

Which forms of a value are found: the text itself; its standard and URL-safe base64 (what
``b64enc`` and a Secret's ``data`` show); its Go JSON string escaping (inside ``toJson`` output);
and Go's byte-list printing (``[112 97 115 115]``, what ``{{ .Secrets.x.Data.k }}`` prints
without ``toString``). Not covered: values transformed in other ways (``upper``, ``sha256sum``,
substrings), and values shorter than :data:`MIN_LENGTH` characters, which are redacted only when
a whole string equals them (replacing every ``a`` in a script would make it unreadable).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kancli.params.k8s import Secret
from kancli.params.model import Phase, Profile, TemplateParams
from kancli.template.values import GoStruct

REDACTED = "<redacted>"
MIN_LENGTH = 4


class Redactor:
    """Replaces known secret values in strings and nested data."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._needles: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for value in values:
            self.add(value)

    @classmethod
    def from_params(cls, tp: TemplateParams) -> Redactor:
        """A redactor for every secret value reachable from ``tp`` (see the module docstring)."""
        return cls(secret_values(tp))

    def add(self, value: str | bytes) -> None:
        """Treat ``value`` (and its encoded forms) as secret from now on."""
        text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        if not text.strip():
            return
        self._values.add(text)
        if len(text) < MIN_LENGTH:
            return
        forms = {
            text,
            base64.b64encode(raw).decode("ascii"),
            base64.urlsafe_b64encode(raw).decode("ascii"),
            _go_json_escape(text),
            "[" + " ".join(str(b) for b in raw) + "]",
        }
        self._needles.update(f for f in forms if len(f) >= MIN_LENGTH)
        self._pattern = None

    def __bool__(self) -> bool:
        return bool(self._values)

    def redact_text(self, text: str) -> str:
        """``text`` with every secret occurrence replaced by ``<redacted>``."""
        if text in self._values:
            return REDACTED
        if not self._needles:
            return text
        if self._pattern is None:
            ordered = sorted(self._needles, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(n) for n in ordered))
        return self._pattern.sub(REDACTED, text)

    def redact(self, value: Any) -> Any:
        """A copy of JSON-like ``value`` with strings (map keys included) redacted."""
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, Mapping):
            return {
                self.redact_text(k) if isinstance(k, str) else k: self.redact(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.redact(v) for v in value]
        return value


def secret_values(tp: TemplateParams) -> set[str]:
    """Every secret value reachable from ``tp`` as text (see the module docstring)."""
    found: set[str] = set()
    for secret in tp.secrets.values():
        found.update(_secret_values(secret))
    phases: list[Any] = [*tp.phases.values(), tp.defer_phase]
    for phase in phases:
        if isinstance(phase, Phase):
            for secret in phase.secrets.values():
                found.update(_secret_values(secret))
    if isinstance(tp.profile, Profile):
        found.update(_profile_values(tp.profile))
    found.update(_object_secret_values(tp.object))
    return found


def _secret_values(secret: Any) -> Iterable[str]:
    if not isinstance(secret, Secret):
        return ()
    values = [_text(v) for v in secret.data.values()]
    values.extend(str(v) for v in secret.string_data.values())
    return values


def _profile_values(profile: Profile) -> Iterable[str]:
    credential = profile.credential
    values: list[str] = []
    pair = credential.key_pair
    if isinstance(pair, GoStruct):
        values.extend(str(v) for v in pair.go_fields().values())
    values.extend(_secret_values(credential.secret))
    kopia = credential.kopia_server_secret
    if isinstance(kopia, GoStruct):
        values.append(str(kopia.go_fields()["Password"]))
    return values


def _object_secret_values(obj: Mapping[str, Any]) -> Iterable[str]:
    if obj.get("kind") != "Secret" or not isinstance(obj.get("data"), Mapping):
        return ()
    values: list[str] = []
    for encoded in obj["data"].values():
        if not isinstance(encoded, str):
            continue
        values.append(encoded)
        try:
            values.append(_text(base64.b64decode(encoded, validate=True)))
        except ValueError:
            continue
    return values


def _text(raw: Any) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(raw)


def _go_json_escape(text: str) -> str:
    """How Go's ``encoding/json`` writes ``text`` inside a JSON string (without the quotes)."""
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    return (
        escaped.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
