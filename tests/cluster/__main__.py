"""``python -m tests.cluster up``: run the test cluster by hand, e.g. to try kancli against it.

Starts a private containerd, the node, the API server and an S3 server, then prints (stdout,
one ``NAME=value`` per line, KUBECONFIG first, as soon as the API server answers)::

    KUBECONFIG=/tmp/kancli-test-cluster/up-0/kubeconfig
    S3_ENDPOINT=http://127.0.0.1:41235
    AWS_ACCESS_KEY_ID=...
    AWS_SECRET_ACCESS_KEY=...
    AWS_REGION=us-east-1
    S3_BUCKET=kancli-test

and runs until Ctrl-C or SIGTERM, then removes every pod, container, mount and process it made.
``--rules FILE`` takes rights away (JSON list of {"verb", "resource", "namespace", "name",
"group"}), ``--token`` requires a bearer token and serves https (kubectl sends tokens only over
TLS; the kubeconfig carries the throw-away CA), ``--tls`` serves https without a token. Logs go
to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from tests.cluster.s3 import S3Server
from tests.cluster.session import ClusterSession, unavailable_reason

S3_BUCKET = "kancli-test"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the test cluster until interrupted")
    up.add_argument("--port", type=int, default=0, help="API server port (default: a free one)")
    up.add_argument("--state-dir", type=Path, help="containerd, volumes and logs live here")
    up.add_argument("--token", help="require this bearer token (implies --tls)")
    up.add_argument("--tls", action="store_true", help="serve https with a throw-away CA")
    up.add_argument("--rules", type=Path, help="JSON file of RBAC deny rules")
    up.add_argument("--s3", choices=("moto", "s3rver", "none"), default="moto")
    up.add_argument("--verbose", "-v", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def _emit(name: str, value: str) -> None:
    sys.stdout.write(f"{name}={value}\n")
    sys.stdout.flush()


def up(args: argparse.Namespace) -> int:
    reason = unavailable_reason()
    if reason is not None:
        print(f"tests.cluster: cannot start: {reason}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    session = ClusterSession(
        "up",
        state_dir=args.state_dir,
        token=args.token,
        tls=args.tls or bool(args.token),
        port=args.port,
    )
    with contextlib.ExitStack() as stack:
        session.start()
        stack.callback(_stop, session)
        if args.rules:
            assert session.server is not None
            session.server.authorizer.load_rules(args.rules)
        _emit("KUBECONFIG", str(session.kubeconfig))
        if args.s3 != "none":
            s3 = stack.enter_context(S3Server.start(args.s3, buckets=[S3_BUCKET]))
            _emit("S3_ENDPOINT", s3.endpoint.url)
            _emit("AWS_ACCESS_KEY_ID", s3.endpoint.access_key)
            _emit("AWS_SECRET_ACCESS_KEY", s3.endpoint.secret_key)
            _emit("AWS_REGION", s3.endpoint.region)
            _emit("S3_BUCKET", S3_BUCKET)
        print(
            f"tests.cluster: up in {session.started_in:.2f}s at {session.url}; state in "
            f"{session.state_dir}; Ctrl-C to stop",
            file=sys.stderr,
        )
        while not stop.wait(0.5):
            pass
        print("tests.cluster: stopping", file=sys.stderr)
    return 0


def _stop(session: ClusterSession) -> None:
    leftovers = session.stop()
    for item in leftovers:
        print(f"tests.cluster: left behind: {item}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    return up(args)


if __name__ == "__main__":
    sys.exit(main())
