"""The sprig v2.22 function map Kanister gives every template (reference §3.2), for kancli.

``FUNCS`` maps each name of sprig v2.22.0's non-hermetic ``TxtFuncMap`` to a ``GoFunc`` carrying
the Go signature, after Kanister's FIPS replacements (``derivePassword`` always fails;
``genPrivateKey`` only for rsa, ecdsa and ed25519; no ``bcrypt``/``htpasswd``, which are sprig v3
names). Each module mirrors one sprig source file; ``go*`` modules port the Go standard library
behaviour they need (fmt lives in ``kancli.template.gofmt``).
"""

from __future__ import annotations

from collections.abc import Mapping

from kancli.template.sprig import (
    crypto,
    dates,
    defaults,
    dicts,
    encoding,
    jsonenc,
    lists,
    maths,
    paths,
    regex,
    semver,
    strings,
    system,
    urls,
    words,
)
from kancli.template.values import GoFunc

__all__ = ["FUNCS"]


def _collect() -> dict[str, GoFunc]:
    funcs: dict[str, GoFunc] = {}
    modules = (
        crypto,
        dates,
        defaults,
        dicts,
        encoding,
        jsonenc,
        lists,
        maths,
        paths,
        regex,
        semver,
        strings,
        system,
        urls,
        words,
    )
    for module in modules:
        for name, fn in module.FUNCS.items():
            if name in funcs:
                raise RuntimeError(f"sprig function {name} is defined in two modules")
            funcs[name] = fn
    return funcs


FUNCS: Mapping[str, GoFunc] = _collect()
