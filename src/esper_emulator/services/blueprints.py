"""Blueprints v2: named, versioned settings for Android, iOS, Windows and Linux devices.

Versions. A new blueprint is version 1.0 (``version_number`` 1, ``minor_version_number``
0), published. Each PUT adds a version and never changes an old one: with
``"publish": true`` the next published version (``version_number`` + 1, minor 0),
otherwise a draft (the same ``version_number``, minor + 1). Every version has its own
``version_id``, so a ``version_id`` always names the same settings (what a device
converging to it gets), and every version stays readable under ``versions/`` until
the blueprint is deleted. The blueprint itself reads as its latest version, draft or
not. [guess: the public description gives the fields, not these rules.]

A PUT changes the fields it gives (``name``, ``description``, ``comments``,
``settings``, the latter replaced whole) and keeps the others; the read-only fields of
the body are ignored. [guess]

Names are required and unique within the enterprise, as Esper's console has them: a
second blueprint of the same name (exactly) is a 400. [guess]

Checks. Besides the JSON types and required fields of ``settingsV2``, every
``apply_policy`` and ``drift_policy`` and the enums of the apps (Android, iOS, Windows)
must be values of the spec, and an Android app must name an app version of the
enterprise, of that app and package. [guess: iOS and Windows apps are not kept by the
emulator, so their ids are not looked up.] A text holding a NUL character is refused,
as everywhere in the emulator. Each refusal is a 400 naming the field.

Lists. ``name`` matches a part of the name (any case), ``name_exact`` the whole;
the ``settings__<platform>__<ref>`` filters keep the blueprints whose latest version
(or, for ``versions/``, the versions whose settings) list that app, app version, file,
Wi-Fi network or provisioning profile; ``ordering`` takes fields of ``BlueprintV2``,
``-field`` for descending, comma-combined. Without it, lists are oldest first.
``limit`` and ``offset`` page them, as Esper's support tool sends them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.store import Page, Store, Stored
from esper_emulator.store import apps as apps_db
from esper_emulator.store import blueprints as blueprints_db
from esper_emulator.validation import NULL_CHARACTERS
from esperclient._generated.v2 import BlueprintCreate, BlueprintV2, BlueprintV2Put, SettingsV2

ALWAYS_APPLY = "ALWAYS APPLY"
PROVISION_ONLY = "PROVISION ONLY"
APPLY_POLICIES = (ALWAYS_APPLY, "IGNORE", PROVISION_ONLY)
DRIFT_POLICIES = ("IGNORE", "LOG ONLY", "MINOR", "MAJOR", "CRITICAL")
APP_CHOICES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "android": {
        "installation_rule": ("POST PROVISIONING", "DURING PROVISIONING"),
        "state": ("SHOW", "HIDE", "DISABLE", "LAUNCHABLE_BUT_HIDDEN"),
        "type": ("PRELOADED", "ENTERPRISE", "PLAYSTORE"),
        "auto_update_mode": ("autoUpdateDefault", "autoUpdateHighPriority", "autoUpdatePostponed"),
    },
    "ios": {
        "state": ("SHOW",),
        "app_type": ("VPP", "TENANT_IOS", "ESPER_IOS", "WEBCLIP", "PRELOADED"),
    },
    "windows": {"state": ("SHOW",), "app_type": ("TENANT_WINDOWS", "ESPER_WINDOWS")},
}
"""The spec's enums of each platform's ``apps[]`` entries."""

POLICY_CHOICES: Mapping[str, tuple[str, ...]] = {
    "apply_policy": APPLY_POLICIES,
    "drift_policy": DRIFT_POLICIES,
}
"""Keys that, wherever they are in the settings, take one of these values."""

ORDERABLE = frozenset(name for name in BlueprintV2.__struct_fields__ if name != "settings")
"""The fields ``ordering`` takes: every field of ``BlueprintV2`` but its settings."""
REFERENCES: Mapping[str, tuple[str, str]] = {
    "app_id": ("apps", "app_id"),
    "app_version_id": ("apps", "app_version_id"),
    "file_id": ("files", "file_id"),
    "wifi_network_id": ("wifi_networks", "wifi_network_id"),
    "provisioning_profile_id": ("provisioning_profiles", "profile_id"),
    "provisioning_profile_version_id": ("provisioning_profiles", "profile_version_id"),
}
"""What a ``settings__<platform>__<ref>`` filter looks for: the list and the key of its entries."""

MAX_NAME = 255
DUPLICATE_NAME = "A blueprint with this name already exists."


@dataclass(frozen=True)
class Query:
    """The filters and ordering of a list of blueprints or of a blueprint's versions.

    ``references`` maps a ``settings__<platform>__<ref>`` filter's wire name to its id.
    """

    ordering: str | None = None
    references: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    name_exact: str | None = None
    version_number: int | None = None
    publish: bool | None = None


class Blueprints:
    """The enterprise's blueprints and their versions."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, enterprise_id: str, body: BlueprintCreate, user: str | None) -> bytes:
        """A new blueprint, as its published version 1.0."""
        name = self._free_name(enterprise_id, body.name)
        now = _timestamp(self.clock.utcnow())
        blueprint = BlueprintV2(
            id=str(uuid.uuid4()),
            name=name,
            description=_text("description", body.description),
            comments=_text("comments", body.comments),
            settings=self._checked(enterprise_id, body.settings),
            created_by=user,
            updated_by=user,
            created_at=now,
            updated_at=now,
        )
        blueprints_db.add_blueprint(self.store, enterprise_id, blueprint.id or "", name)
        return self._add_version(enterprise_id, blueprint, (1, 0), publish=True)

    def update(
        self, enterprise_id: str, blueprint_id: str, body: BlueprintV2Put, user: str | None
    ) -> bytes:
        """The blueprint's next version: published with ``body.publish``, else a draft."""
        blueprint = msgspec.json.decode(
            self._row(enterprise_id, blueprint_id).doc, type=BlueprintV2
        )
        if body.name is not None:
            blueprint.name = self._free_name(enterprise_id, body.name, but=blueprint_id)
        if body.description is not None:
            blueprint.description = _text("description", body.description)
        if body.comments is not None:
            blueprint.comments = _text("comments", body.comments)
        if body.settings is not None:
            blueprint.settings = self._checked(enterprise_id, body.settings)
        blueprint.updated_by = user
        blueprint.updated_at = _timestamp(self.clock.utcnow())
        major, minor = blueprint.version_number or 1, blueprint.minor_version_number or 0
        number = (major + 1, 0) if body.publish else (major, minor + 1)
        return self._add_version(enterprise_id, blueprint, number, publish=bool(body.publish))

    def get(self, enterprise_id: str, blueprint_id: str) -> bytes:
        """The blueprint as its latest version; a 404 if the enterprise has none such."""
        return self._row(enterprise_id, blueprint_id).doc

    def delete(self, enterprise_id: str, blueprint_id: str) -> None:
        """Remove the blueprint and all its versions."""
        row = self._row(enterprise_id, blueprint_id)
        blueprints_db.delete_blueprint(self.store, row.pk, blueprint_id)

    def list_blueprints(self, enterprise_id: str, query: Query, limit: int, offset: int) -> Page:
        """A page of the blueprints that match ``query``, in its order."""
        docs = blueprints_db.blueprint_docs(self.store, enterprise_id)
        return _select(docs, query, limit, offset)

    def versions(
        self, enterprise_id: str, blueprint_id: str, query: Query, limit: int, offset: int
    ) -> Page:
        """A page of the blueprint's versions that match ``query``, in its order."""
        self._row(enterprise_id, blueprint_id)
        return _select(blueprints_db.version_docs(self.store, blueprint_id), query, limit, offset)

    def version(self, enterprise_id: str, blueprint_id: str, version_id: str) -> bytes:
        """One version of the blueprint; a 404 if either is unknown."""
        self._row(enterprise_id, blueprint_id)
        doc = blueprints_db.version(self.store, blueprint_id, version_id)
        if doc is None:
            raise not_found("Blueprint version")
        return doc

    def _row(self, enterprise_id: str, blueprint_id: str) -> Stored:
        row = blueprints_db.blueprint(self.store, enterprise_id, blueprint_id)
        if row is None:
            raise not_found("Blueprint")
        return row

    def _add_version(
        self, enterprise_id: str, blueprint: BlueprintV2, number: tuple[int, int], publish: bool
    ) -> bytes:
        blueprint.version_id = str(uuid.uuid4())
        blueprint.version_number, blueprint.minor_version_number = number
        blueprint.publish = publish
        doc = msgspec.json.encode(blueprint)
        blueprints_db.add_version(
            self.store,
            enterprise_id,
            blueprint.id or "",
            blueprint.version_id,
            number,
            publish,
            blueprint.name or "",
            doc,
        )
        return doc

    def _free_name(self, enterprise_id: str, name: str | None, but: str | None = None) -> str:
        """``name``, checked to be given, short enough and not another blueprint's."""
        if name is None or not name.strip():
            raise bad_request("name", "This field is required.")
        _text("name", name)
        if len(name) > MAX_NAME:
            raise bad_request("name", f"Ensure this field has no more than {MAX_NAME} characters.")
        if blueprints_db.name_taken(self.store, enterprise_id, name, but):
            raise bad_request("name", DUPLICATE_NAME)
        return name

    def _checked(self, enterprise_id: str, settings: SettingsV2 | None) -> SettingsV2:
        """``settings`` (none: empty), refused with a 400 naming the field where they break
        the spec's enums or name an Android app version the enterprise does not have."""
        if settings is None:
            return SettingsV2()
        _check_tree(settings, "settings")
        raw: dict[str, Any] = msgspec.to_builtins(settings)
        for platform, choices in APP_CHOICES.items():
            for i, app in enumerate(_entries(raw, platform, "apps")):
                where = f"settings.{platform}.apps[{i}]"
                for key, allowed in choices.items():
                    if key in app and app[key] not in allowed:
                        raise bad_request(f"{where}.{key}", _not_a_choice(app[key], allowed))
        for i, app in enumerate(_entries(raw, "android", "apps")):
            self._check_app(enterprise_id, f"settings.android.apps[{i}]", app)
        return settings

    def _check_app(self, enterprise_id: str, where: str, app: Mapping[str, Any]) -> None:
        version = apps_db.version_row(self.store, enterprise_id, app["app_version_id"])
        if version is None:
            raise bad_request(
                f"{where}.app_version_id",
                f"App version {app['app_version_id']!r} does not exist in this enterprise.",
            )
        if version.application_id != app["app_id"]:
            raise bad_request(
                f"{where}.app_id", f"App version {version.id!r} is not a version of this app."
            )
        package = apps_db.package_of_version(self.store, enterprise_id, version.id)
        if package != app["package_name"]:
            raise bad_request(
                f"{where}.package_name", f"App version {version.id!r} is of package {package!r}."
            )


def _text(field: str, value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise bad_request(field, NULL_CHARACTERS)
    return value


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _not_a_choice(value: Any, allowed: tuple[str, ...]) -> str:
    return f"{value!r} is not a valid choice; one of: {', '.join(allowed)}."


def _check_tree(value: Any, where: str) -> None:
    """A 400 at the first text holding a NUL character, or ``apply_policy`` or
    ``drift_policy`` that is not one of its values, in the settings ``value``.

    Free-form objects (an app's ``managed_config``) are the app's business: not looked into.
    """
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_tree(item, f"{where}[{i}]")
    elif isinstance(value, str) and "\x00" in value:
        raise bad_request(where, NULL_CHARACTERS)
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            item = getattr(value, name)
            allowed = POLICY_CHOICES.get(name)
            if allowed is not None and item is not None and item not in allowed:
                raise bad_request(f"{where}.{name}", _not_a_choice(item, allowed))
            _check_tree(item, f"{where}.{name}")


def _entries(settings: Mapping[str, Any], platform: str, name: str) -> list[dict[str, Any]]:
    section = settings.get(platform) or {}
    return list(section.get(name) or [])


def _select(docs: list[bytes], query: Query, limit: int, offset: int) -> Page:
    """The page of ``docs`` (stored ``BlueprintV2``) that match ``query``, in its order."""
    read = [(doc, msgspec.json.decode(doc)) for doc in docs]
    kept = [(doc, data) for doc, data in read if _matches(data, query)]
    for key in reversed(_order_keys(query.ordering)):
        name = key.removeprefix("-")
        kept.sort(key=lambda pair: _sort_key(pair[1].get(name)), reverse=key.startswith("-"))
    return Page(len(kept), [doc for doc, _ in kept[offset : offset + limit]])


def _order_keys(ordering: str | None) -> list[str]:
    keys = [part.strip() for part in (ordering or "").split(",") if part.strip()]
    for key in keys:
        if key.removeprefix("-") not in ORDERABLE:
            fields = ", ".join(sorted(ORDERABLE))
            raise bad_request("ordering", f"Cannot order by {key!r}; the fields are {fields}.")
    return keys


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is not None, value if value is not None else 0)


def _matches(data: Mapping[str, Any], query: Query) -> bool:
    name = data.get("name") or ""
    if query.name and query.name.casefold() not in name.casefold():
        return False
    if query.name_exact and query.name_exact != name:
        return False
    if query.version_number is not None and data.get("version_number") != query.version_number:
        return False
    if query.publish is not None and data.get("publish") is not query.publish:
        return False
    settings = data.get("settings") or {}
    return all(_refers(settings, wire, value) for wire, value in query.references.items())


def _refers(settings: Mapping[str, Any], wire: str, value: str) -> bool:
    """Whether ``settings`` list what the filter ``wire`` (``settings__android__app_id``)
    looks for with the id ``value``."""
    _, platform, ref = wire.split("__")
    entries, key = REFERENCES[ref]
    wanted = value.casefold()
    return any(
        str(entry.get(key, "")).casefold() == wanted
        for entry in _entries(settings, platform, entries)
    )
