"""Open the repository a data function names: a Profile plus a ``backupArtifactPrefix``.

Kanister's data functions address a restic repository by the Profile's location and the
bucket-resolved artifact prefix (kanister-behaviour.md sections 5.0 and 8.3). kancli's functions
do the same with its native repository format. A Profile may also point at a local directory
store, for tests and air-gapped use: location type ``s3Compliant`` with an ``endpoint`` of the form
``file:///absolute/dir`` (the bucket is then ignored and the artifact prefix is a subdirectory of
that directory); see docs/profiles.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kancli.datapath.repository import Repository
from kancli.objectstore.location import (
    Location,
    location_from_profile,
    location_from_url,
    open_repository_store,
)


def location_for_profile(profile: Mapping[str, Any] | None) -> Location:
    """The store location of a Profile (``toJson .Profile`` shape), ``file://`` endpoints too."""
    if profile is not None:
        loc = profile.get("Location") or profile.get("location") or {}
        endpoint = str(loc.get("endpoint") or "")
        if endpoint.startswith("file://"):
            return location_from_url(endpoint)
    return location_from_profile(profile)


def open_profile_repository(
    profile: Mapping[str, Any] | None,
    artifact_prefix: str,
    password: str,
    *,
    create: bool = False,
) -> Repository:
    """Open (or with ``create``, get-or-create) the repository at ``artifact_prefix``.

    Raises :class:`~kancli.datapath.errors.RepositoryNotFoundError` or
    :class:`~kancli.datapath.errors.WrongPasswordError` when it cannot be opened.
    """
    store = open_repository_store(location_for_profile(profile), artifact_prefix)
    if create:
        return Repository.init(store, password)
    return Repository.open(store, password)


def profile_json(params: Any) -> Mapping[str, Any] | None:
    """``params.Profile`` as ``toJson .Profile`` renders it, or None when the run has none.

    Duck-typed so that this layer need not import :mod:`kancli.params`: a Profile value offers
    ``go_json()``; the nil pointer of a run without a profile does not.
    """
    profile = getattr(params, "profile", None)
    render = getattr(profile, "go_json", None)
    if render is None:
        return None
    rendered = render()
    return rendered if isinstance(rendered, Mapping) else None
