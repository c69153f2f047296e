"""Base classes of the wire models.

Every Esper object is a ``msgspec.Struct``: decoding a page of devices into typed
objects is one C call. On top sits the behaviour that code written for esperclient
0.1.3 relies on: ``swagger_types``, ``attribute_map``, ``to_dict()``, ``to_str()``,
a ``repr`` that pretty-prints the dict, equality, and settable attributes.

Models are tolerant readers: unknown JSON keys are ignored, every field is optional,
and enum-typed fields hold plain strings (or ints), so a value the server adds later
never breaks a client. Fields that 0.1.3's constructor fills in (``CommandArgs.wipe_frp``
is ``True``...) are filled alike when building and when decoding, and are sent.
"""

from __future__ import annotations

import datetime
import pprint
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

import msgspec

T = TypeVar("T")

REDACTED = "<redacted>"
"""How ``repr`` shows a secret field: a key must not reach logs through a printed object."""


class _ClassCache(Generic[T]):
    """A class attribute computed from the class on first access, then stored on it."""

    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._name = compute.__name__

    def __get__(self, instance: object, owner: type) -> T:
        value: T = self._compute(owner)
        setattr(owner, self._name, value)
        return value


def _swagger_name(tp: Any) -> str:
    """The 0.1.3 type name of a field annotation: ``str``, ``list[Device]``, ``datetime``..."""
    args = [a for a in get_args(tp) if a is not type(None)]
    if get_origin(tp) is list:
        return f"list[{_swagger_name(args[0])}]"
    if args and get_origin(tp) is not dict:  # ``X | None``
        return _swagger_name(args[0])
    if tp is Any or get_origin(tp) is dict or tp is dict:
        return "object"
    if tp is datetime.datetime:
        return "datetime"
    return str(tp.__name__)


def swagger_types(cls: type[Model]) -> dict[str, str]:
    """Attribute name -> 0.1.3 type name, in declaration order."""
    enums = cls._enum_fields
    return {f.name: enums.get(f.name) or _swagger_name(f.type) for f in msgspec.structs.fields(cls)}


def attribute_map(cls: type[Model]) -> dict[str, str]:
    """Attribute name -> JSON key, in declaration order."""
    return {f.name: f.encode_name for f in msgspec.structs.fields(cls)}


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def sent_default(value: Any, name: str | None = None) -> Any:
    """A field default that 0.1.3's constructor fills in, which decoding fills too and
    encoding sends (a plain msgspec default would be left out of the JSON)."""
    return msgspec.field(default_factory=lambda: value, name=name)


class Model(msgspec.Struct, omit_defaults=True, gc=False):
    """Base of every Esper object, with the esperclient 0.1.3 model behaviour."""

    _enum_fields: ClassVar[dict[str, str]] = {}
    _secret_fields: ClassVar[frozenset[str]] = frozenset()
    swagger_types: ClassVar[dict[str, str]] = _ClassCache(swagger_types)  # type: ignore[assignment]
    attribute_map: ClassVar[dict[str, str]] = _ClassCache(attribute_map)  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """The attributes as a dict keyed by attribute name, nested models included."""
        return {name: _plain(getattr(self, name)) for name in self.__struct_fields__}

    def to_str(self) -> str:
        """The pretty-printed ``to_dict()``, with secrets (an API key) shown as redacted."""
        shown = self.to_dict()
        for name in self._secret_fields:
            if shown.get(name):
                shown[name] = REDACTED
        return pprint.pformat(shown)

    def __repr__(self) -> str:
        return self.to_str()

    def __ne__(self, other: object) -> bool:
        return not self == other


class EnumModel:
    """Base of the enum models: a class of constants, as in esperclient 0.1.3."""

    allowed_values: ClassVar[tuple[Any, ...]] = ()
    swagger_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.allowed_values = tuple(
            v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, (str, int))
        )

    def to_dict(self) -> dict[str, Any]:
        """An enum model has no attributes: always ``{}``."""
        return {}

    def to_str(self) -> str:
        """The pretty-printed ``to_dict()``."""
        return pprint.pformat(self.to_dict())

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]
