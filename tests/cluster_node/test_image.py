"""The test image: what its tools do inside a container, kando's exact output, the builder."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.image import IMAGE_REF, build_test_image
from tests.cluster.image.builder import build_kando
from tests.cluster.node import ContainerdNode
from tests.cluster_node.conftest import DictHost, LoopThread, make_pod, phase_is, sh
from tests.cluster_node.test_exec_and_logs import exec_collect

MARK = "###Phase-output###: "


@pytest.fixture(scope="module")
def box(loop: LoopThread, node: ContainerdNode, host: DictHost) -> Iterator[tuple[str, str]]:
    pod = make_pod([sh("box", "sleep 600")])
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    loop.run(node.run_pod(pod))
    host.wait_for(ns, name, phase_is("Running"))
    yield ns, name
    loop.run(node.delete_pod(ns, name, 0))


def run_in(loop: LoopThread, node: ContainerdNode, box: tuple[str, str], argv: list[str],
           stdin: bytes | None = None) -> tuple[bytes, bytes, int]:  # fmt: skip
    out, err, code, _ = loop.run(exec_collect(node, *box, "box", argv, stdin=stdin))
    return out, err, code


@pytest.mark.cluster
@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        pytest.param("version", "0.110.0", '{"key":"version","value":"0.110.0"}', id="plain"),
        pytest.param("html", "<a href='x'>&</a>",
                     '{"key":"html","value":"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e"}',
                     id="html-escaped-like-go"),
        pytest.param("q", 'say "hi" \\ bye', '{"key":"q","value":"say \\"hi\\" \\\\ bye"}',
                     id="quotes-and-backslash"),
        pytest.param("ctl", "a\nb\tc\rd\x01e\x08f\x0cg\x7f",
                     '{"key":"ctl","value":"a\\nb\\tc\\rd\\u0001e\\bf\\fg\x7f"}',
                     id="control-characters"),
        pytest.param("uni", "é€😀\u2028", '{"key":"uni","value":"é€😀\\u2028"}', id="unicode"),
        pytest.param("empty", "", '{"key":"empty","value":""}', id="empty-value"),
        pytest.param("Key_9", "-", '{"key":"Key_9","value":"-"}', id="dash-alone-is-a-value"),
    ],
)  # fmt: skip
def test_kando_output_prints_the_phase_output_line_exactly(
    loop: LoopThread, node: ContainerdNode, box: tuple[str, str], key: str, value: str, line: str
) -> None:
    out, err, code = run_in(loop, node, box, ["kando", "output", key, value])
    assert (code, err) == (0, b"")
    assert out.decode() == MARK + line + "\n"


@pytest.mark.cluster
def test_kando_output_replaces_invalid_utf8_like_go(
    loop: LoopThread, node: ContainerdNode, box: tuple[str, str]
) -> None:
    out, _, code = run_in(loop, node, box, ["sh", "-c", "kando output k \"$(printf 'a\\377b')\""])
    assert code == 0
    assert out.decode() == MARK + '{"key":"k","value":"a\\ufffdb"}\n'


@pytest.mark.cluster
@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["k"], "Command accepts 2 arguments, received 1 arguments", id="one-arg"),
        pytest.param(["k", "v", "x"], "Command accepts 2 arguments, received 3 arguments",
                     id="three-args"),
        pytest.param(["", "v"], "Key should not be empty", id="empty-key"),
        pytest.param(["invalid-key", "v"],
                     "Key should contain only alphanumeric characters and underscore",
                     id="dash-in-key"),
        pytest.param(["invalid.key", "v"],
                     "Key should contain only alphanumeric characters and underscore",
                     id="dot-in-key"),
        pytest.param(["k", "-5"], "unknown shorthand flag: '5' in -5", id="negative-number-value"),
    ],
)  # fmt: skip
def test_kando_output_rejects_bad_arguments_with_exit_69(
    loop: LoopThread, node: ContainerdNode, box: tuple[str, str], args: list[str], error: str
) -> None:
    out, err, code = run_in(loop, node, box, ["kando", "output", *args])
    assert (code, out) == (69, b"")
    assert err.decode().splitlines()[0] == f"Error: {error}"


@pytest.mark.cluster
def test_tar_round_trips_links_modes_and_numeric_owners(
    loop: LoopThread, node: ContainerdNode, box: tuple[str, str]
) -> None:
    script = (
        "set -e; rm -rf /tmp/src /tmp/dst; mkdir -p /tmp/src/d /tmp/dst; cd /tmp/src; "
        "echo data > d/f; chmod 640 d/f; ln -s d/f sym; ln d/f hard; chown 1234:5678 d/f; "
        "dd if=/dev/zero of=sparse bs=1 count=0 seek=1048576 2>/dev/null; "
        "tar -c -f - --numeric-owner -C /tmp/src . | tar -x -f - --numeric-owner -C /tmp/dst; "
        "cd /tmp/dst; readlink sym; stat -c '%a %u:%g %h' d/f; cat hard; stat -c %s sparse; "
        "[ d/f -ef hard ] && echo same-inode; "
        "tar -czf - -C /tmp/src d | gzip -dc | tar -tf - | sort | tr '\\n' ' '"
    )
    out, err, code = run_in(
        loop, node, box, ["bash", "-o", "errexit", "-o", "pipefail", "-c", script]
    )
    assert code == 0, err
    assert out.decode().splitlines() == [
        "d/f", "640 1234:5678 2", "data", "1048576", "same-inode", "d/ d/f ",
    ]  # fmt: skip


@pytest.mark.cluster
@pytest.mark.parametrize(
    "tool",
    ["sh", "bash", "tar", "gzip", "base64", "sha256sum", "find", "xargs", "dd", "head", "tail",
     "sleep", "date", "env", "cat", "wc", "sed", "awk", "grep", "mkfifo", "timeout", "nc", "wget",
     "kando", "restic"],
)  # fmt: skip
def test_image_has_the_tools_blueprint_scripts_use(
    loop: LoopThread, node: ContainerdNode, box: tuple[str, str], tool: str
) -> None:
    out, _, code = run_in(loop, node, box, ["sh", "-c", f"command -v {tool}"])
    assert code == 0
    assert out.strip()


@pytest.mark.cluster
def test_bash_is_a_real_bash(loop: LoopThread, node: ContainerdNode, box: tuple[str, str]) -> None:
    script = 'a=(x y z); echo "${#a[@]} ${a[1]} ${BASH_VERSINFO[0]}"; [[ abc == a* ]] && echo glob'
    out, _, code = run_in(loop, node, box, ["bash", "-c", script])
    assert (code, out.decode()) == (0, "3 y 5\nglob\n")


def test_image_build_is_reproducible_and_named(tmp_path: Path) -> None:
    first = build_test_image(tmp_path / "a")
    second = build_test_image(tmp_path / "b")
    assert first.manifest_digest == second.manifest_digest
    assert first.chain_id == second.chain_id
    assert first.ref == IMAGE_REF
    with tarfile.open(first.archive) as tar:
        index = json.load(tar.extractfile("index.json"))  # type: ignore[arg-type]
        layer_member = f"blobs/sha256/{first.chain_id.split(':')[1]}"
        with tarfile.open(fileobj=tar.extractfile(layer_member)) as layer:
            names = set(layer.getnames())
    annotations = index["manifests"][0]["annotations"]
    assert annotations["io.containerd.image.name"] == IMAGE_REF
    assert {
        "bin/busybox",
        "bin/sh",
        "bin/bash",
        "usr/local/bin/kando",
        "etc/passwd",
        "tmp",
    } <= names
    assert first.config["Cmd"] == ["sh"]


def test_kando_is_a_static_executable(tmp_path: Path) -> None:
    binary = build_kando(tmp_path / "kando")
    header = binary.read_bytes()[:64]
    assert header[:4] == b"\x7fELF"
    assert b"ld-linux" not in binary.read_bytes()[:4096]  # no ELF interpreter: statically linked
