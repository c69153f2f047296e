"""The results table: printed, written into ``bench/README.md``, and kept as JSON."""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

START = "<!-- bench:results:start (written by python -m bench) -->"
END = "<!-- bench:results:end -->"
HEADER = ("benchmark", "ours", "0.1.3", "floor", "ours/0.1.3", "ours/floor", "target", "met?")


@dataclass
class Row:
    """One line of the table; ``met`` is None where there is no target."""

    name: str
    ours: float | None
    orig: float | None = None
    floor: float | None = None
    target: str = ""
    met: bool | None = None
    rounds: int = 0
    profile: str | None = field(default=None, repr=False)

    @property
    def vs_orig(self) -> float | None:
        return _ratio(self.ours, self.orig)

    @property
    def vs_floor(self) -> float | None:
        return _ratio(self.ours, self.floor)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def number(value: float | None) -> str:
    """Three significant digits, thousands separated; ``—`` for nothing."""
    if value is None or math.isnan(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}x"


def _met(row: Row) -> str:
    return "—" if row.met is None else ("yes" if row.met else "**no**")


def cells(row: Row) -> tuple[str, ...]:
    name = f"{row.name} ({row.rounds} rounds)" if row.rounds else row.name
    return (
        name,
        number(row.ours),
        number(row.orig),
        number(row.floor),
        ratio(row.vs_orig),
        ratio(row.vs_floor),
        row.target or "—",
        _met(row),
    )


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """CPU model, cores, Python, date."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _profiles(rows: list[Row]) -> str:
    by_profile: dict[str, list[str]] = {}
    for row in rows:
        if row.profile:
            by_profile.setdefault(row.profile, []).append(row.name)
    parts = [
        "#### " + "; ".join(names) + f"\n\n```\n{profile.rstrip()}\n```"
        for profile, names in by_profile.items()
    ]
    if not parts:
        return ""
    return "\n\n### Profiles of the missed targets\n\n" + "\n\n".join(parts)


def section(rows: list[Row], info: dict[str, Any], notes: list[str]) -> str:
    """The generated part of ``bench/README.md``."""
    head = (
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"{info['platform']}; run {info['date']}; whole run {info['duration_s']:.0f} s."
    )
    listed = "".join(f"\n- {note}" for note in notes)
    return f"{START}\n{head}\n\n{markdown(rows)}\n{listed}{_profiles(rows)}\n{END}"


def write_readme(path: Path, generated: str) -> None:
    """Replace the generated section of ``path`` (appending one if it has none)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + generated + after
    else:
        text = text.rstrip() + "\n\n## Latest results\n\n" + generated + "\n"
    path.write_text(text)


def write_json(
    path: Path, rows: list[Row], info: dict[str, Any], notes: list[str], raw: dict[str, Any]
) -> None:
    """Every row and every worker's raw result, as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = [
        {**asdict(row), "ours_vs_orig": row.vs_orig, "ours_vs_floor": row.vs_floor} for row in rows
    ]
    data = {"machine": info, "rows": table, "notes": notes, "raw": raw}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
