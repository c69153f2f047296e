"""``esper-emulator serve``: run the emulator from the command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from esper_emulator.app import Emulator
from esper_emulator.server import base_url, bind, uvicorn_server, write_credentials
from esper_emulator.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esper-emulator", description="A local Esper API emulator."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Esper API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument(
        "--db",
        default="esper-emulator.db",
        help="SQLite file, ':memory:', or a SQLAlchemy URL (default esper-emulator.db)",
    )
    serve.add_argument("--seed", choices=["demo"], help="create the demo enterprise if missing")
    serve.add_argument("--devices", type=int, default=25, help="devices in the demo enterprise")
    serve.add_argument(
        "--latency-ms",
        type=float,
        default=500.0,
        help="simulated time for a device to act on each command step",
    )
    serve.add_argument(
        "--credentials",
        metavar="FILE",
        help="write the demo's host, api_key and enterprise_id to FILE as JSON",
    )
    serve.add_argument(
        "--no-control", action="store_true", help="turn off the /_emulator side door"
    )
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``esper-emulator``.

    SIGTERM and SIGINT stop it cleanly: uvicorn finishes the requests in flight, then
    (re-raising the signal to this handler) the database is closed and the exit status is 0.
    """
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _stop)
    settings = Settings(db=args.db, latency_ms=args.latency_ms, control=not args.no_control)
    emulator = Emulator(settings)
    sock = bind(args.host, args.port)
    host = base_url(sock) + "/api"
    print(f"Esper API emulator serving {host}  (database: {args.db})", flush=True)
    if args.seed == "demo":
        with emulator.store.transaction():
            creds = emulator.seeder.demo(args.devices)
        print(
            f"  host:          {host}\n  enterprise_id: {creds.enterprise_id}\n"
            f"  api_key:       {creds.api_key}",
            flush=True,
        )
        if args.credentials:
            write_credentials(args.credentials, host, creds)
    elif args.credentials:
        print("--credentials needs --seed demo", file=sys.stderr)
        return 2
    try:
        uvicorn_server(emulator).run(sockets=[sock])
    finally:
        emulator.close()
    return 0
