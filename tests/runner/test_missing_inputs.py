"""``kancli run`` warns about the Secrets, ConfigMaps and input artifacts an action names but the
command line does not give, as Kanister's ActionSet validation would have refused them."""

from __future__ import annotations

import pytest

from kancli.blueprint.loader import load_blueprint_text
from kancli.cli.run import SubjectOptions, missing_inputs

BLUEPRINT = """
actions:
  restore:
    secretNames: [creds]
    configMapNames: [settings]
    inputArtifactNames: [backup, extra]
    phases:
    - {func: KubeTask, name: one, args: {namespace: ns, image: busybox, command: ["true"]}}
"""


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        pytest.param(
            SubjectOptions(),
            [
                "action restore expects secret creds, not given (--secrets NAME=NS/SECRET)",
                "action restore expects configmap settings, not given"
                " (--config-maps NAME=NS/CONFIGMAP)",
                "action restore expects artifact backup, extra, not given"
                " (--artifact NAME.KEY=VALUE)",
            ],
            id="nothing-given",
        ),
        pytest.param(
            SubjectOptions(
                secrets=("creds=ns/c",),
                config_maps=("settings=ns/s",),
                artifacts=("backup.path=x", "extra.id=1"),
            ),
            [],
            id="everything-given",
        ),
        pytest.param(
            SubjectOptions(secrets=("creds=c",), artifacts=("backup.path=x",)),
            [
                "action restore expects configmap settings, not given"
                " (--config-maps NAME=NS/CONFIGMAP)",
                "action restore expects artifact extra, not given (--artifact NAME.KEY=VALUE)",
            ],
            id="some-given",
        ),
    ],
)
def test_missing_secrets_config_maps_and_artifacts_are_warned_about(
    opts: SubjectOptions, expected: list[str]
) -> None:
    action = load_blueprint_text(BLUEPRINT, source="bp.yaml").action("restore")
    assert missing_inputs(action, opts) == expected
