"""``kancli export actionset``: the Blueprint and ActionSet a Kanister controller would run.

For teams that run kancli locally and Kanister in the cluster (or move from one to the other):
the same flags as ``kancli run`` produce two custom resources, ``cr.kanister.io/v1alpha1``
Blueprint and ActionSet (kanister-behaviour.md section 1), in one YAML stream ready for
``kubectl create -f -``. The Blueprint's actions are copied unchanged from the file.

Without ``--name`` the ActionSet gets ``generateName: <action>-`` (like kanctl's random suffix),
so it must be created (``kubectl create``), not applied. Object references use kanctl's kinds
(``deployment``, ``statefulset``, ``pvc``, ``namespace``, ``profile``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from kancli.cli.output import to_yaml
from kancli.cli.subjects import parse_artifacts, parse_object, parse_pairs, parse_ref
from kancli.errors import BlueprintError, UsageError

API_VERSION = "cr.kanister.io/v1alpha1"

app = typer.Typer(
    help="Write Kanister custom resources for use with a Kanister controller.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

EPILOG = """\
Examples:

\b
  kancli export actionset mysql.yaml -a backup --statefulset db/mysql \\
      --profile kanister/s3 --namespace kanister | kubectl create -f -
  kancli export actionset mysql.yaml -a restore --statefulset db/mysql --from latest
"""


def _blueprint_document(path: Path) -> dict[str, Any]:
    from kancli.blueprint.loader import load_blueprint

    load_blueprint(path)  # the same checks (and errors with file:line) as every other command
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if isinstance(document, dict) and (
            document.get("kind") == "Blueprint"
            or ("actions" in document and "kind" not in document)
        ):
            return document
    raise BlueprintError(f"{path}: no Blueprint found")


def _dns_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return name[:253] or "blueprint"


def blueprint_resource(path: Path, name: str | None, namespace: str) -> dict[str, Any]:
    """The Blueprint custom resource: ``actions`` verbatim, ``metadata.name`` from the file,
    ``name`` or the file name."""
    document = _blueprint_document(path)
    metadata = document.get("metadata") or {}
    bp_name = name or metadata.get("name") or _dns_name(path.stem)
    out_meta: dict[str, Any] = {"name": bp_name, "namespace": namespace}
    for key in ("labels", "annotations"):
        if metadata.get(key):
            out_meta[key] = metadata[key]
    return {
        "apiVersion": API_VERSION,
        "kind": "Blueprint",
        "metadata": out_meta,
        "actions": document.get("actions") or {},
    }


def _objects(
    subjects: Mapping[str, Sequence[str]], objects: Sequence[str], namespace: str
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for kind, values in subjects.items():
        for value in values:
            if kind == "namespace":  # kanctl: kind namespace, name = namespace = the value
                out.append({"kind": kind, "name": value, "namespace": value})
                continue
            ns, name = parse_ref(value, f"--{kind}", namespace)
            out.append({"kind": kind, "name": name, "namespace": ns})
    for value in objects:
        group, version, resource, ns, name = parse_object(value, namespace)
        out.append(
            {"apiVersion": version, "group": group, "resource": resource}
            | {"kind": "", "name": name, "namespace": ns}
        )
    return out


def _subject_object(subject: str) -> dict[str, str]:
    """A recorded run's subject (``kind/namespace/name`` or ``kind namespace/name``) as an
    ActionSet object."""
    match = re.fullmatch(
        r"(deployment|statefulset|pvc|namespace)[ /]([^/\s]+)(?:/([^/\s]+))?", subject
    )
    if match is None:
        raise UsageError(
            f"cannot export the subject {subject!r} of that run", hint="give the subject flag"
        )
    kind, ns, name = match.groups()
    return {"kind": kind, "name": name or ns, "namespace": ns}


def _artifact(body: Mapping[str, Any]) -> dict[str, Any]:
    if "keyValue" in body or "kopiaSnapshot" in body:
        return {k: v for k, v in body.items() if k in ("keyValue", "kopiaSnapshot")}
    return {"keyValue": {str(k): str(v) for k, v in body.items()}}


def _refs(values: Sequence[str], option: str, namespace: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, ref in parse_pairs(_split_commas(values), option).items():
        ns, name = parse_ref(ref, option, namespace)
        out[key] = {"name": name, "namespace": ns}
    return out


def _split_commas(values: Sequence[str]) -> list[str]:
    """kanctl takes ``a=b,c=d``; kancli also takes the flag repeated. Both work here."""
    return [part for value in values for part in value.split(",") if part]


def actionset_resource(
    *,
    blueprint_name: str,
    action: str,
    objects: list[dict[str, str]],
    namespace: str,
    name: str | None = None,
    profile: str | None = None,
    options: Mapping[str, str] | None = None,
    secrets: Mapping[str, Mapping[str, str]] | None = None,
    config_maps: Mapping[str, Mapping[str, str]] | None = None,
    artifacts: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ActionSet custom resource: one ``spec.actions[]`` entry per object."""
    if not objects:
        raise UsageError(
            "no subject: give --deployment, --statefulset, --pvc, --namespace-target, "
            "--object or --from RUN"
        )
    spec_base: dict[str, Any] = {"name": action, "blueprint": blueprint_name}
    if profile:
        ns, pname = parse_ref(profile, "--profile", namespace)
        spec_base["profile"] = {"kind": "profile", "name": pname, "namespace": ns}
    if secrets:
        spec_base["secrets"] = {k: dict(v) for k, v in secrets.items()}
    if config_maps:
        spec_base["configMaps"] = {k: dict(v) for k, v in config_maps.items()}
    if options:
        spec_base["options"] = dict(options)
    if artifacts:
        spec_base["artifacts"] = {k: _artifact(v) for k, v in artifacts.items()}
    meta: dict[str, str] = {"namespace": namespace}
    meta.update({"name": name} if name else {"generateName": f"{_dns_name(action)}-"})
    actions = [{**spec_base, "object": obj} for obj in objects]
    return {
        "apiVersion": API_VERSION,
        "kind": "ActionSet",
        "metadata": meta,
        "spec": {"actions": actions},
    }


def export_actionset(
    blueprint: Path,
    action: str,
    *,
    namespace: str,
    subjects: Mapping[str, Sequence[str]],
    objects: Sequence[str] = (),
    blueprint_name: str | None = None,
    name: str | None = None,
    profile: str | None = None,
    options: Sequence[str] = (),
    secrets: Sequence[str] = (),
    config_maps: Sequence[str] = (),
    artifacts: Sequence[str] = (),
    from_run: tuple[Mapping[str, Any], str, Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """The two resources, Blueprint then ActionSet. ``from_run`` is a recorded run's
    (output artifacts, subject, options): artifacts and options are inherited, flags override."""
    bp = blueprint_resource(blueprint, blueprint_name, namespace)
    if action not in bp["actions"]:
        known = ", ".join(sorted(bp["actions"])) or "none"
        raise BlueprintError(
            f"Action {action} not found in blueprint {bp['metadata']['name']}",
            hint=f"actions in this Blueprint: {known}",
        )
    found = _objects(subjects, objects, namespace)
    inherited_artifacts: dict[str, Any] = {}
    merged_options: dict[str, str] = {}
    if from_run is not None:
        run_artifacts, run_subject, run_options = from_run
        inherited_artifacts = {k: _artifact(v) for k, v in run_artifacts.items()}
        merged_options.update(run_options)
        if not found:
            found = [_subject_object(run_subject)]
    merged_options.update(parse_pairs(_split_commas(options), "--options"))
    for art_name, key_values in parse_artifacts(artifacts, ()).items():
        entry = inherited_artifacts.setdefault(art_name, {"keyValue": {}})
        entry.setdefault("keyValue", {}).update(key_values)
    actionset = actionset_resource(
        blueprint_name=bp["metadata"]["name"],
        action=action,
        objects=found,
        namespace=namespace,
        name=name,
        profile=profile,
        options=merged_options,
        secrets=_refs(secrets, "--secrets", namespace),
        config_maps=_refs(config_maps, "--config-maps", namespace),
        artifacts=inherited_artifacts,
    )
    return [bp, actionset]


@app.command("actionset", epilog=EPILOG)
def actionset_command(
    ctx: typer.Context,
    blueprint: Annotated[Path, typer.Argument(metavar="BLUEPRINT", help="Blueprint file.")],
    *,
    action: Annotated[str, typer.Option("--action", "-a", metavar="NAME", help="Action.")],
    deployment: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="Deployment subject.")
    ] = None,
    statefulset: Annotated[
        list[str] | None, typer.Option(metavar="NS/NAME", help="StatefulSet subject.")
    ] = None,
    pvc: Annotated[list[str] | None, typer.Option(metavar="NS/NAME", help="PVC subject.")] = None,
    namespace_target: Annotated[
        list[str] | None, typer.Option(metavar="NS", help="Namespace subject.")
    ] = None,
    obj: Annotated[
        list[str] | None,
        typer.Option("--object", metavar="G/V/R/NS/NAME", help="Any object as subject."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", metavar="NS/NAME", help="Profile reference.")
    ] = None,
    options: Annotated[
        list[str] | None, typer.Option("--options", metavar="K=V", help="Action options.")
    ] = None,
    secrets: Annotated[
        list[str] | None, typer.Option(metavar="REF=NS/NAME", help="Secrets, by template name.")
    ] = None,
    config_maps: Annotated[
        list[str] | None, typer.Option(metavar="REF=NS/NAME", help="ConfigMaps, by name.")
    ] = None,
    artifact: Annotated[
        list[str] | None, typer.Option(metavar="NAME.KEY=VALUE", help="Input artifact value.")
    ] = None,
    from_run: Annotated[
        str | None,
        typer.Option("--from", metavar="RUN", help="Take artifacts (and subject) from a run."),
    ] = None,
    name: Annotated[str | None, typer.Option(metavar="NAME", help="ActionSet name.")] = None,
    blueprint_name: Annotated[
        str | None, typer.Option(metavar="NAME", help="Blueprint name (default: from the file).")
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(metavar="NS", help="Namespace of both resources (default: -n, 'kanister')."),
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Run history directory (for --from).")
    ] = None,
) -> None:
    """Write a Blueprint and an ActionSet custom resource as YAML on stdout."""
    from kancli.cli.common import settings_from

    settings = settings_from(ctx)
    ns = namespace or settings.namespace or "kanister"
    recorded = None
    if from_run is not None:
        from kancli.cli.runs import open_history

        with open_history(state_dir) as history:
            run = history.get(from_run)
        recorded = (run.output_artifacts, run.subject, run.options)
    docs = export_actionset(
        blueprint,
        action,
        namespace=ns,
        subjects={
            "deployment": deployment or [],
            "statefulset": statefulset or [],
            "pvc": pvc or [],
            "namespace": namespace_target or [],
        },
        objects=obj or [],
        blueprint_name=blueprint_name,
        name=name,
        profile=profile,
        options=options or [],
        secrets=secrets or [],
        config_maps=config_maps or [],
        artifacts=artifact or [],
        from_run=recorded,
    )
    typer.echo("---\n".join(to_yaml(doc) for doc in docs), nl=False)
