"""Base classes of the wire models.

Every Esper object is a ``msgspec.Struct``: decoding a page of devices into typed
objects is one C call. On top sits the behaviour that code written for esperclient
0.1.3 relies on: ``swagger_types``, ``attribute_map``, ``to_dict()``, ``to_str()``,
a ``repr`` that pretty-prints the dict, equality, and settable attributes.

Models are tolerant readers: unknown JSON keys are ignored, every field is optional,
and enum-typed fields hold plain strings (or ints), so a value the server adds later
never breaks a client. Code that builds a model or assigns an attribute gets 0.1.3's
checks: a required field left ``None``, a value outside a field's allowed values, or a
text or number outside a field's ``Limits`` is a ``ValueError`` with 0.1.3's message.
Decoding never runs them (msgspec creates decoded objects without calling the class).
"""

from __future__ import annotations

import datetime
import pprint
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Limits:
    """The length (of a text) or value (of a number) bounds 0.1.3 checks for a field, inclusive.

    Declared per model in ``_limits``. msgspec's ``Meta`` constraints could say the same,
    but msgspec applies them when decoding, and the server's data is never checked.
    """

    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    def check(self, name: str, value: Any) -> None:
        """Raise 0.1.3's ``ValueError`` when ``value`` of field ``name`` is out of bounds."""
        if self.max_length is not None and len(value) > self.max_length:
            raise _invalid(name, f"length must be less than or equal to `{self.max_length}`")
        if self.min_length is not None and len(value) < self.min_length:
            raise _invalid(name, f"length must be greater than or equal to `{self.min_length}`")
        if self.maximum is not None and value > self.maximum:
            raise _invalid(name, f"must be a value less than or equal to `{self.maximum}`")
        if self.minimum is not None and value < self.minimum:
            raise _invalid(name, f"must be a value greater than or equal to `{self.minimum}`")


def _invalid(name: str, why: str) -> ValueError:
    return ValueError(f"Invalid value for `{name}`, {why}")


def _check(cls: Any, name: str, value: Any) -> None:
    """Raise 0.1.3's ``ValueError`` when ``value`` may not be assigned to field ``name``."""
    if value is None and name in cls._required:
        raise ValueError(f"Invalid value for `{name}`, must not be `None`")
    allowed = cls._allowed.get(name)
    if allowed is None:
        limits = cls._limits.get(name)
        if limits is not None and value is not None:
            limits.check(name, value)
        return
    if not cls.swagger_types[name].startswith("list["):
        if value not in allowed:
            raise ValueError(
                f"Invalid value for `{name}` ({value}), must be one of {list(allowed)}"
            )
        return
    if not set(value).issubset(allowed):
        wrong = ", ".join(map(str, set(value) - set(allowed)))
        raise ValueError(
            f"Invalid values for `{name}` [{wrong}], must be a subset of [{', '.join(allowed)}]"
        )


_struct_setattr = msgspec.Struct.__setattr__


def _checked_setattr(self: Model, name: str, value: Any) -> None:
    cls = type(self)
    if name in cls._checked:
        _check(cls, name, value)
    _struct_setattr(self, name, value)


class _ModelMeta(msgspec.StructMeta):
    """Runs 0.1.3's constructor checks when code calls a model class.

    Decoding creates objects without calling the class, so answers from the server are
    never checked.
    """

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any):
        super().__init__(name, bases, namespace)
        checked = getattr(cls, "_required", frozenset()).union(
            getattr(cls, "_allowed", ()), getattr(cls, "_limits", ())
        )
        cls._checked = tuple(f for f in cls.__struct_fields__ if f in checked)
        if cls._checked:
            cls.__setattr__ = _checked_setattr  # type: ignore[assignment,method-assign]

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        model = super().__call__(*args, **kwargs)
        for name in cls._checked:
            value = getattr(model, name)
            if value is not None or name in cls._required:  # type: ignore[attr-defined]
                _check(cls, name, value)
        return model


M = TypeVar("M", bound="Model")


class Model(msgspec.Struct, metaclass=_ModelMeta, omit_defaults=True, gc=False):
    """Base of every Esper object, with the esperclient 0.1.3 model behaviour."""

    _enum_fields: ClassVar[dict[str, str]] = {}
    _required: ClassVar[frozenset[str]] = frozenset()
    """Fields that 0.1.3 refuses to leave ``None`` (at construction and on assignment)."""
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Field -> the values 0.1.3 accepts for it."""
    _limits: ClassVar[dict[str, Limits]] = {}
    """Field -> the length or value bounds 0.1.3 checks for it."""
    _secret_fields: ClassVar[frozenset[str]] = frozenset()
    swagger_types: ClassVar[dict[str, str]] = _ClassCache(swagger_types)  # type: ignore[assignment]
    attribute_map: ClassVar[dict[str, str]] = _ClassCache(attribute_map)  # type: ignore[assignment]

    @classmethod
    def choices(cls, name: str) -> tuple[str, ...]:
        """The values field ``name`` may hold (0.1.3's allowed values); empty: any."""
        return cls._allowed.get(name, ())

    @classmethod
    def construct(cls: type[M], **fields: Any) -> M:
        """A model built without 0.1.3's checks, as decoding builds it: for data that did
        not come from user code (the emulator's answers, request bodies the API accepts)."""
        model: M = msgspec.StructMeta.__call__(cls, **fields)
        return model

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
