"""Printing results: a readable table, or JSON, JSON lines or CSV for scripts.

- ``table`` (the default): chosen columns, for people. A list is printed page by page as
  the pages arrive, with the column widths of the first page.
- ``json``: one object, or a list as a JSON array streamed one object per line
  (``[`` first, ``]`` last; a list cut short by an error is left unclosed, so it never
  parses as complete). Keys are the API's wire field names, every field present
  (``null`` when empty), in the model's order.
- ``jsonl``: one object per line, nothing else: the easiest to stream.
- ``csv``: a header of the same keys, then one row per object; nested values are
  compact JSON, empty ones empty.

Results go to stdout; notes, progress and errors go to stderr.
"""

from __future__ import annotations

import csv
import datetime
import enum
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TextIO, TypeVar

import msgspec
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

T = TypeVar("T")

MAX_COLUMN_WIDTH = 60


class Format(str, enum.Enum):
    """An output format."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def wire(value: Any) -> Any:
    """``value`` as JSON-ready data under the wire names, every field of a model included."""
    if isinstance(value, msgspec.Struct):
        return {f.encode_name: wire(getattr(value, f.name)) for f in msgspec.structs.fields(value)}
    if isinstance(value, list | tuple):
        return [wire(item) for item in value]
    if isinstance(value, dict):
        return {str(key): wire(item) for key, item in value.items()}
    return msgspec.to_builtins(value)


def wire_keys(model: type[msgspec.Struct]) -> list[str]:
    """The wire names of a model's fields, in order: the keys of its JSON and CSV."""
    return [f.encode_name for f in msgspec.structs.fields(model)]


def cell(value: Any) -> str:
    """A value as table text: ``-`` for nothing, yes/no, short dates, lists joined."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(cell(item) for item in value) or "-"
    if isinstance(value, dict | msgspec.Struct):  # a model: only the fields it has
        return msgspec.json.encode(value).decode()
    return str(value)


def csv_cell(value: Any) -> str:
    """A wire value as CSV text: empty for null, true/false, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return msgspec.json.encode(value).decode()
    return str(value)


@dataclass(frozen=True)
class Column:
    """A table column: its header and how to get its value from an object."""

    header: str
    get: Callable[[Any], Any]


def attr(name: str) -> Callable[[Any], Any]:
    """A getter of attribute ``name`` (``None`` when missing)."""
    return lambda item: getattr(item, name, None)


def col(header: str, getter: str | Callable[[Any], Any]) -> Column:
    """A column from an attribute name or a getter."""
    return Column(header, attr(getter) if isinstance(getter, str) else getter)


@dataclass(frozen=True)
class View:
    """How one kind of object prints: table columns, and its records for JSON and CSV.

    ``keys`` are the JSON/CSV keys, fixed even when a list is empty; ``record`` turns an
    object into its record; ``details`` are the rows of a table showing one object.
    """

    columns: Sequence[Column]
    keys: Sequence[str]
    record: Callable[[Any], dict[str, Any]]
    details: Sequence[Column] = ()

    @classmethod
    def of_model(
        cls,
        model: type[msgspec.Struct],
        columns: Sequence[Column],
        details: Sequence[Column] = (),
    ) -> View:
        """The view of a wire model: its records are the model's wire fields."""
        return cls(columns, wire_keys(model), wire, details)

    @classmethod
    def of_records(cls, keys: Sequence[str], columns: Sequence[Column] = ()) -> View:
        """The view of plain dicts with ``keys`` (the columns default to the keys)."""
        shown = columns or [Column(key.upper().replace("_", " "), _key(key)) for key in keys]
        return cls(shown, list(keys), dict)


def _key(name: str) -> Callable[[Any], Any]:
    return lambda item: item.get(name)


def stdout_console(*, wide: bool = False) -> Console:
    """A console on stdout: colours only on a terminal; ``wide`` never squeezes a table.

    Lists are ``wide`` (a row longer than the terminal wraps, as ``kubectl`` rows do,
    rather than folding every column); so is everything when stdout is not a terminal.
    """
    out = sys.stdout
    terminal = out.isatty()
    return Console(
        file=out,
        width=None if terminal and not wide else 1000,
        highlight=False,
        markup=False,
        emoji=False,
    )


def render(console: Console, table: Table) -> None:
    """Print ``table`` without the padding rich leaves at the end of each line."""
    with console.capture() as captured:
        console.print(table)
    lines = captured.get().splitlines()
    console.file.write("".join(line.rstrip() + "\n" for line in lines))
    console.file.flush()


class _Writer(Protocol):
    """Prints a list in one format."""

    def row(self, item: Any) -> None:
        """Take one more object."""

    def flush(self) -> None:
        """Write what was taken so far (at the end of each page)."""

    def close(self) -> None:
        """Finish the list."""


class _JsonArray:
    def __init__(self, view: View, out: TextIO) -> None:
        self.view, self.out, self.count = view, out, 0

    def row(self, item: Any) -> None:
        text = msgspec.json.encode(self.view.record(item)).decode()
        self.out.write(("[\n  " if self.count == 0 else ",\n  ") + text)
        self.count += 1

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.out.write("[]\n" if self.count == 0 else "\n]\n")
        self.out.flush()


class _JsonLines:
    def __init__(self, view: View, out: TextIO) -> None:
        self.view, self.out = view, out

    def row(self, item: Any) -> None:
        self.out.write(msgspec.json.encode(self.view.record(item)).decode() + "\n")

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class _Csv:
    def __init__(self, view: View, out: TextIO) -> None:
        self.view, self.out = view, out
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(view.keys)

    def row(self, item: Any) -> None:
        record = self.view.record(item)
        self.writer.writerow([csv_cell(record.get(key)) for key in self.view.keys])

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class _Table:
    """Rows printed a page at a time, aligned on the widths of the first page."""

    def __init__(self, view: View, console: Console) -> None:
        self.view, self.console = view, console
        self.rows: list[list[str]] = []
        self.widths: list[int] | None = None

    def row(self, item: Any) -> None:
        self.rows.append([cell(column.get(item)) for column in self.view.columns])

    def flush(self) -> None:
        if not self.rows:
            return
        first = self.widths is None
        if self.widths is None:
            self.widths = [
                min(
                    MAX_COLUMN_WIDTH,
                    max([cell_len(c.header)] + [cell_len(r[i]) for r in self.rows]),
                )
                for i, c in enumerate(self.view.columns)
            ]
        table = Table(box=None, show_header=first, pad_edge=False, header_style="bold")
        for column, width in zip(self.view.columns, self.widths, strict=True):
            table.add_column(column.header, width=width, overflow="fold")
        for values in self.rows:
            table.add_row(*(Text(value) for value in values))
        render(self.console, table)
        self.rows = []

    def close(self) -> None:
        self.flush()


def _writer(fmt: Format, view: View) -> _Writer:
    out = sys.stdout
    if fmt is Format.JSON:
        return _JsonArray(view, out)
    if fmt is Format.JSONL:
        return _JsonLines(view, out)
    if fmt is Format.CSV:
        return _Csv(view, out)
    return _Table(view, stdout_console(wide=True))


def print_list(fmt: Format, view: View, pages: Iterable[Sequence[Any]]) -> int:
    """Print the items of ``pages`` as they come (each page flushed); how many there were."""
    writer = _writer(fmt, view)
    count = 0
    for page in pages:
        for item in page:
            writer.row(item)
            count += 1
        writer.flush()
    writer.close()
    return count


def print_one(fmt: Format, view: View, item: Any) -> None:
    """Print one object: a two-column table of its details, or its record."""
    if fmt is Format.TABLE:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for column in view.details or view.columns:
            table.add_row(Text(column.header), Text(cell(column.get(item))))
        render(stdout_console(), table)
        return
    record = view.record(item)
    if fmt is Format.JSON:
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(record), indent=2).decode() + "\n")
    elif fmt is Format.JSONL:
        sys.stdout.write(msgspec.json.encode(record).decode() + "\n")
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(view.keys)
        writer.writerow([csv_cell(record.get(key)) for key in view.keys])
    sys.stdout.flush()


def page_size_for(limit: int | None, default: int = 100) -> int:
    """The page size to ask for when at most ``limit`` items are wanted."""
    return max(1, min(limit, default)) if limit else default


class PageSource(Protocol):
    """What ``Feed`` reads: anything with the paginator's ``pages()``."""

    def pages(self) -> Iterator[Any]:
        """Each page (with ``results`` and ``count``) in turn."""


class Feed(Generic[T]):
    """The pages of a paginator, stopped after ``limit`` items; ``total`` is the list's size.

    Build the paginator with ``page_size_for(limit)`` so ``--limit 5`` costs one small
    request.
    """

    def __init__(self, source: PageSource, limit: int | None = None) -> None:
        self.source = source
        self.limit = limit
        self.total: int | None = None
        self.shown = 0

    def __iter__(self) -> Iterator[list[T]]:
        remaining = self.limit
        for page in self.source.pages():
            self.total = page.count
            items: list[T] = list(page.results)
            if remaining is not None:
                items = items[:remaining]
                remaining -= len(items)
            self.shown += len(items)
            yield items
            if remaining is not None and remaining <= 0:
                return

    @property
    def truncated(self) -> bool:
        """Whether the list has more items than were shown."""
        return self.total is not None and self.total > self.shown
