"""``esper-emulator serve``: run the emulator from the command line.

It binds 127.0.0.1 unless ``--host`` says otherwise, and keeps the ``/_emulator`` side
door closed unless ``--control`` opens it; a side door on an address other than
loopback also needs ``--control-token`` (or ``ESPER_EMULATOR_CONTROL_TOKEN``).

``--workers N`` serves from N processes over one PostgreSQL database (see
``esper_emulator.shared``): this process prepares the database (its tables, the demo
enterprise, the settings given) and then supervises them.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from esper_emulator.emulator import Emulator
from esper_emulator.server import base_url, bind, uvicorn_server, write_credentials
from esper_emulator.settings import DEFAULT_FAULT_KINDS, FAULT_KINDS, SIDE_DOOR_ENV, Settings
from esper_emulator.store.db import MissingDriverError, SchemaMismatch, database_url
from esper_emulator.workers import can_share_port, reserve, serve_workers

SEVERAL_WORKERS = "several workers share one database: --workers needs a postgresql:// --db"
NO_SHARED_PORT = "--workers needs SO_REUSEPORT, which this system does not have"


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text}")
    return value


def _not_negative(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _probability(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    unknown = sorted(set(kinds) - set(FAULT_KINDS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {','.join(FAULT_KINDS)}")
    return kinds


def _add_fault_options(serve: argparse.ArgumentParser) -> None:
    faults = serve.add_argument_group("faults (all can be changed at run time: /_emulator/faults)")
    faults.add_argument(
        "--rate-limit",
        type=_positive,
        metavar="RPS",
        help="requests per second per API key; over it a 429 with Retry-After",
    )
    faults.add_argument(
        "--fault-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="chance (0 to 1) that an /api request meets a fault (default 0)",
    )
    faults.add_argument(
        "--fault-latency-ms",
        type=_not_negative,
        default=0.0,
        metavar="MS",
        help="latency added to every /api request (default 0)",
    )
    faults.add_argument(
        "--fault-kinds",
        type=_kinds,
        default=DEFAULT_FAULT_KINDS,
        metavar="KINDS",
        help="comma-separated: error (503), drop (handled, then cut), reset (cut before), "
        "throttle (429 with Retry-After); default error,drop,reset",
    )
    faults.add_argument(
        "--fault-seed", type=int, metavar="N", help="seed of the fault draws, to repeat a run"
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings_of(args: argparse.Namespace) -> Settings:
    """The emulator's ``Settings`` from the parsed ``serve`` arguments."""
    return Settings(
        db=args.db,
        files_dir=args.files_dir or Path(),
        latency_ms=args.latency_ms,
        control=args.control and not args.no_control,
        control_token=args.control_token or os.environ.get(SIDE_DOOR_ENV) or None,
        rate_limit=args.rate_limit,
        fault_rate=args.fault_rate,
        fault_latency_ms=args.fault_latency_ms,
        fault_kinds=args.fault_kinds,
        fault_seed=args.fault_seed,
    )


def parser() -> argparse.ArgumentParser:
    """The command line: ``esper-emulator serve [options]``."""
    root = argparse.ArgumentParser(prog="esper-emulator", description="A local Esper API emulator.")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Esper API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument(
        "--db",
        default="esper-emulator.db",
        help=(
            "SQLite file, ':memory:', a postgresql:// or other SQLAlchemy URL"
            " (default esper-emulator.db)"
        ),
    )
    serve.add_argument(
        "--workers",
        type=_count,
        default=1,
        metavar="N",
        help="processes serving requests (default 1); more than 1 needs a postgresql:// --db",
    )
    serve.add_argument(
        "--files-dir",
        type=Path,
        metavar="DIR",
        help="folder of uploaded files (default: next to a file --db, else a new temp folder)",
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
        "--control",
        action="store_true",
        help="serve the /_emulator side door (it creates keys and wipes data: off by default)",
    )
    serve.add_argument(
        "--control-token",
        metavar="TOKEN",
        help="with --control: every side-door request must send X-Emulator-Token: TOKEN "
        f"(default ${SIDE_DOOR_ENV}); needed when --host is not a loopback address",
    )
    serve.add_argument(
        "--no-control", action="store_true", help="keep the /_emulator side door closed (default)"
    )
    _add_fault_options(serve)
    return root


def describe_faults(emulator: Emulator) -> str | None:
    """One line on the faults in force at start, or ``None`` when there are none."""
    faults = emulator.faults
    parts = []
    if faults.rate > 0:
        kinds = ",".join(faults.kinds) or "none"
        parts.append(f"fault rate {faults.rate:g} ({kinds}), seed {faults.seed}")
    if faults.latency_ms > 0:
        parts.append(f"{faults.latency_ms:g} ms added latency")
    if faults.limiter.rate is not None:
        parts.append(f"rate limit {faults.limiter.rate:g}/s per key")
    return "  faults:        " + "; ".join(parts) if parts else None


def _announcement(
    args: argparse.Namespace, settings: Settings, emulator: Emulator, url: str
) -> Callable[[], None]:
    """What to say once the emulator listens: its address, and the demo's credentials
    (seeded now)."""
    creds = None
    if args.seed == "demo":
        with emulator.store.transaction():
            creds = emulator.seeder.demo(args.devices)
    described = describe_faults(emulator)
    host = url + "/api"

    def announce() -> None:
        print(f"Esper API emulator serving {host}  (database: {args.db})", flush=True)
        if described:
            print(described, flush=True)
        if settings.control:
            guarded = " (needs X-Emulator-Token)" if settings.control_token else ""
            print(f"  side door:     {url}/_emulator{guarded}", flush=True)
        if args.workers > 1:
            print(f"  workers:       {args.workers}  (uploads: {settings.files_dir})", flush=True)
        if creds is not None:
            print(
                f"  host:          {host}\n  enterprise_id: {creds.enterprise_id}\n"
                f"  api_key:       {creds.api_key}",
                flush=True,
            )
            if args.credentials:
                write_credentials(args.credentials, host, creds)

    return announce


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``esper-emulator``.

    SIGTERM and SIGINT stop it cleanly: uvicorn finishes the requests in flight, then
    (re-raising the signal to this handler) the database is closed and the exit status is 0.
    """
    args = parser().parse_args(argv)
    if args.credentials and args.seed != "demo":
        print("--credentials needs --seed demo", file=sys.stderr)
        return 2
    if args.workers > 1 and not database_url(args.db).startswith("postgresql"):
        print(f"esper-emulator: {SEVERAL_WORKERS}", file=sys.stderr)
        return 2
    if args.workers > 1 and not can_share_port():
        print(f"esper-emulator: {NO_SHARED_PORT}", file=sys.stderr)
        return 2
    settings = settings_of(args)
    if settings.control and not settings.control_token and not is_loopback(args.host):
        print(
            f"esper-emulator: --control on {args.host} needs --control-token "
            f"(or {SIDE_DOOR_ENV}): the side door hands out API keys",
            file=sys.stderr,
        )
        return 2
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _stop)
    try:
        emulator = Emulator(settings)
    except (SchemaMismatch, MissingDriverError) as exc:
        print(f"esper-emulator: {exc}", file=sys.stderr)
        return 2
    several = args.workers > 1
    sock = reserve(args.host, args.port) if several else bind(args.host, args.port)
    announce = _announcement(args, settings, emulator, base_url(sock))
    if several:
        emulator.close()
        try:
            return 0 if serve_workers(settings, sock, args.workers, announce) else 1
        finally:
            sock.close()
    announce()
    try:
        uvicorn_server(emulator).run(sockets=[sock])
    finally:
        emulator.close()
    return 0
