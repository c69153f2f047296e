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

Results go to stdout; notes, progress and errors go to stderr. JSON goes out as UTF-8
bytes, each page of a list in one write.
"""

from __future__ import annotations

import csv
import datetime
import enum
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, get_args, get_origin

import msgspec
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

T = TypeVar("T")

MAX_COLUMN_WIDTH = 60
PAGE_SIZE = 500
"""Items a list asks for per request, unless ``--page-size`` (or ``--limit``) says less."""
PREFETCH = 4
"""Pages a list asks for ahead of the one being printed, unless ``--limit`` needs fewer."""


class Format(str, enum.Enum):
    """An output format."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def wire(value: Any) -> Any:
    """``value`` as data to encode as JSON under the wire names, every field of a model
    included (``None`` when empty), nested models too; other values are left as they are."""
    if isinstance(value, msgspec.Struct):
        keys, nested = _layout(type(value))
        values = list(msgspec.structs.astuple(value))
        for i in nested:
            values[i] = wire(values[i])
        return dict(zip(keys, values, strict=True))
    if isinstance(value, list | tuple):
        return [wire(item) for item in value]
    if isinstance(value, dict):
        return {str(key): wire(item) for key, item in value.items()}
    return value


@functools.cache
def _layout(model: type[msgspec.Struct]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A model's wire names in order, and the positions of its fields that may hold models."""
    fields = msgspec.structs.fields(model)
    nested = tuple(i for i, f in enumerate(fields) if _holds_model(f.type))
    return tuple(f.encode_name for f in fields), nested


def _holds_model(annotation: Any) -> bool:
    if get_origin(annotation) is None and isinstance(annotation, type):
        return issubclass(annotation, msgspec.Struct)
    return any(_holds_model(arg) for arg in get_args(annotation))


def wire_keys(model: type[msgspec.Struct]) -> list[str]:
    """The wire names of a model's fields, in order: the keys of its JSON and CSV."""
    return list(_layout(model)[0])


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


def _write(data: bytes) -> None:
    """Write ``data`` (UTF-8) to stdout and flush: straight to its bytes when it has them."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    out.flush()  # what the text layer holds goes first
    if buffer is None:
        out.write(data.decode())
        out.flush()
    else:
        buffer.write(data)
        buffer.flush()


class _Writer(Protocol):
    """Prints a list in one format."""

    def page(self, items: Sequence[Any]) -> None:
        """Print one more page of objects (and flush)."""

    def close(self) -> None:
        """Finish the list."""


class _JsonArray:
    def __init__(self, view: View) -> None:
        self.view, self.count = view, 0
        self.encode = msgspec.json.Encoder().encode

    def page(self, items: Sequence[Any]) -> None:
        if not items:
            return
        body = b",\n  ".join([self.encode(self.view.record(item)) for item in items])
        _write((b"[\n  " if self.count == 0 else b",\n  ") + body)
        self.count += len(items)

    def close(self) -> None:
        _write(b"[]\n" if self.count == 0 else b"\n]\n")


class _JsonLines:
    def __init__(self, view: View) -> None:
        self.view = view
        self.encode_lines = msgspec.json.Encoder().encode_lines

    def page(self, items: Sequence[Any]) -> None:
        if items:
            _write(self.encode_lines([self.view.record(item) for item in items]))

    def close(self) -> None:
        """Nothing to finish: each line is whole."""


class _Csv:
    def __init__(self, view: View) -> None:
        self.view = view
        self.writer = csv.writer(sys.stdout, lineterminator="\n")
        self.writer.writerow(view.keys)

    def page(self, items: Sequence[Any]) -> None:
        self.writer.writerows(csv_row(self.view, item) for item in items)
        sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.flush()


def csv_row(view: View, item: Any) -> list[str]:
    """The CSV cells of ``item``, in the order of ``view.keys``."""
    record = msgspec.to_builtins(view.record(item))
    return [csv_cell(record.get(key)) for key in view.keys]


class _Table:
    """Rows printed a page at a time, aligned on the widths of the first page."""

    def __init__(self, view: View, console: Console) -> None:
        self.view, self.console = view, console
        self.widths: list[int] | None = None

    def page(self, items: Sequence[Any]) -> None:
        rows = [[cell(column.get(item)) for column in self.view.columns] for item in items]
        if not rows:
            return
        first = self.widths is None
        if self.widths is None:
            self.widths = [
                min(MAX_COLUMN_WIDTH, max([cell_len(c.header)] + [cell_len(r[i]) for r in rows]))
                for i, c in enumerate(self.view.columns)
            ]
        table = Table(box=None, show_header=first, pad_edge=False, header_style="bold")
        for column, width in zip(self.view.columns, self.widths, strict=True):
            table.add_column(column.header, width=width, overflow="fold")
        for values in rows:
            table.add_row(*(Text(value) for value in values))
        render(self.console, table)

    def close(self) -> None:
        """Nothing to finish: each page was printed whole."""


def _writer(fmt: Format, view: View) -> _Writer:
    if fmt is Format.JSON:
        return _JsonArray(view)
    if fmt is Format.JSONL:
        return _JsonLines(view)
    if fmt is Format.CSV:
        return _Csv(view)
    return _Table(view, stdout_console(wide=True))


def print_list(fmt: Format, view: View, pages: Iterable[Sequence[Any]]) -> int:
    """Print the items of ``pages`` as they come (each page flushed); how many there were."""
    writer = _writer(fmt, view)
    count = 0
    for page in pages:
        writer.page(page)
        count += len(page)
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
    if fmt is Format.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows([view.keys, csv_row(view, item)])
        sys.stdout.flush()
        return
    encoded = msgspec.json.encode(view.record(item))
    _write((msgspec.json.format(encoded, indent=2) if fmt is Format.JSON else encoded) + b"\n")


def page_size_for(limit: int | None, page_size: int | None = None) -> int:
    """The page size to ask for: ``page_size`` (default ``PAGE_SIZE``), or ``limit`` if less."""
    size = page_size or PAGE_SIZE
    return min(limit, size) if limit else size


def prefetch_for(limit: int | None, page_size: int | None = None) -> int:
    """The pages to ask for ahead: ``PREFETCH``, or fewer when ``limit`` ends the list
    sooner (``--limit 5`` costs one request)."""
    if not limit:
        return PREFETCH
    pages = -(-limit // page_size_for(limit, page_size))
    return min(PREFETCH, pages - 1)


class PageSource(Protocol):
    """What ``Feed`` reads: anything with the paginator's ``pages()``."""

    def pages(self) -> Iterator[Any]:
        """Each page (with ``results`` and ``count``) in turn."""


class Feed(Generic[T]):
    """The pages of a paginator, stopped after ``limit`` items; ``total`` is the list's size
    (``None`` for a list paged by cursor, which does not say).

    Build the paginator with ``page_size_for(limit, page_size)`` so ``--limit 5`` costs
    one small request.
    """

    def __init__(self, source: PageSource, limit: int | None = None) -> None:
        self.source = source
        self.limit = limit
        self.total: int | None = None
        self.shown = 0
        self.cut = False
        """Whether ``limit`` left items out (known without ``total``)."""

    def __iter__(self) -> Iterator[list[T]]:
        remaining = self.limit
        for page in self.source.pages():
            self.total = getattr(page, "count", None)
            items: list[T] = list(page.results)
            if remaining is not None:
                self.cut = len(items) > remaining or getattr(page, "next_cursor", None) is not None
                items = items[:remaining]
                remaining -= len(items)
            self.shown += len(items)
            yield items
            if remaining is not None and remaining <= 0:
                return
        self.cut = False

    @property
    def truncated(self) -> bool:
        """Whether the list has more items than were shown."""
        if self.total is not None:
            return self.total > self.shown
        return self.cut
