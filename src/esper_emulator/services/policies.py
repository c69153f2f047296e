"""Enterprise policies, addressed by their integer id (the row's ``pk``), as the API does."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.enterprise import check_email, load
from esper_emulator.services.urls import enterprise_url, policy_url
from esper_emulator.store import Page, Store
from esper_emulator.store import records as records_db
from esper_emulator.store.records import StoredPolicy
from esper_emulator.validation import REQUIRED, Rule, Rules
from esperclient.models import (
    EnterprisePolicy,
    EnterprisePolicyData,
    EnterprisePolicyDataPhonePolicy,
    EnterprisePolicyPartialUpdate,
)
from esperclient.models._base import Model

POLICY_RULES: Rules = {
    "name": Rule(required=True, min_length=1, max_length=255),
    "policy": REQUIRED,
}
"""A created or replaced policy needs a name and its policy data."""

_MAX_ID = 2**63 - 1  # larger ids cannot be stored, so they name no policy
_MIN_PASSWORD_LENGTH = 4
_MAX_PHONE_NUMBER = 15


def check_policy_data(data: EnterprisePolicyData | None) -> None:
    """A 400 naming the field (by its wire path) unless ``data`` keeps the spec's rules.

    The enums, the minimum password length, phone numbers of 15 characters at most and
    email addresses, inside ``EnterprisePolicyData``.
    """
    if data is None:
        return
    _choice("policy.permissionPolicy", data, "permission_policy")
    _choice("policy.settingsAccessLevel", data, "settings_access_level")
    length = data.minimum_password_length
    if length is not None and length < _MIN_PASSWORD_LENGTH:
        raise bad_request(
            "policy.minimumPasswordLength",
            f"Ensure this value is greater than or equal to {_MIN_PASSWORD_LENGTH}.",
        )
    if data.phone_policy is not None:
        _check_phone_policy(data.phone_policy)
    for frp in data.frp_googles or []:
        _choice("policy.frpGoogles.type", frp, "type")
        check_email("policy.frpGoogles.email", frp.email)
    if data.google_account_permission is not None:
        for email in data.google_account_permission.emails or []:
            check_email("policy.googleAccountPermission.emails", email)
    if data.device_password_policy is not None:
        password = data.device_password_policy
        _choice("policy.devicePasswordPolicy.passwordQuality", password, "password_quality")
    if data.device_update_policy is not None:
        _choice("policy.deviceUpdatePolicy.type", data.device_update_policy, "type")


def _check_phone_policy(phone: EnterprisePolicyDataPhonePolicy) -> None:
    _choice("policy.phonePolicy.dialer", phone, "dialer")
    for name, numbers in (
        ("incomingNumbers", phone.incoming_numbers),
        ("outgoingNumbers", phone.outgoing_numbers),
    ):
        if any(len(number) > _MAX_PHONE_NUMBER for number in numbers or []):
            raise bad_request(
                f"policy.phonePolicy.{name}",
                f"Ensure each number has no more than {_MAX_PHONE_NUMBER} characters.",
            )


def _choice(path: str, model: Model, name: str) -> None:
    """A 400 at ``path`` unless field ``name`` of ``model`` is empty or one of its choices."""
    value = getattr(model, name)
    if value is not None and value not in type(model).choices(name):
        raise bad_request(path, f'"{value}" is not a valid choice.')


class Policies:
    """The enterprise's policies.

    ``enterprise``, ``url``, ``uuid``, ``device_count``, ``google_policy_id`` and the
    timestamps are the server's: any value a client sends for them is ignored.
    """

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, enterprise_id: str, body: EnterprisePolicy) -> EnterprisePolicy:
        """Store a new policy; its ``EnterprisePolicy``."""
        check_policy_data(body.policy)
        now = self.clock.utcnow()
        policy_uuid = str(uuid.uuid4())
        google_id = load(self.store, enterprise_id).emm
        policy = EnterprisePolicy.construct(
            uuid=policy_uuid,
            enterprise=enterprise_url(enterprise_id),
            device_count=0,
            google_policy_id=_google_policy_id(
                google_id.google_enterprise_id if google_id else None, policy_uuid
            ),
            created_on=now,
        )
        _replace(policy, body, now)
        pk = records_db.add_policy(
            self.store, enterprise_id, policy_uuid, policy.name, policy.is_active
        )
        policy.url = policy_url(enterprise_id, pk)
        return self._save(pk, policy)

    def list_policies(
        self,
        enterprise_id: str,
        limit: int,
        offset: int,
        *,
        name: str | None = None,
        is_active: bool | None = None,
    ) -> Page:
        """A page of the policies; ``name`` matches a part of the name, any case."""
        return records_db.policies_page(
            self.store, enterprise_id, limit, offset, name=name, is_active=is_active
        )

    def get(self, enterprise_id: str, policy_id: int) -> bytes:
        """The stored ``EnterprisePolicy``; a 404 if the enterprise has no such policy."""
        return self._row(enterprise_id, policy_id).doc

    def replace(
        self, enterprise_id: str, policy_id: int, body: EnterprisePolicy
    ) -> EnterprisePolicy:
        """A PUT: every writable field from ``body``; those left out go back to defaults."""
        check_policy_data(body.policy)
        row = self._row(enterprise_id, policy_id)
        policy = msgspec.json.decode(row.doc, type=EnterprisePolicy)
        _replace(policy, body, self.clock.utcnow())
        return self._save(row.pk, policy)

    def update(
        self, enterprise_id: str, policy_id: int, body: EnterprisePolicyPartialUpdate
    ) -> EnterprisePolicy:
        """A PATCH: the writable fields given in ``body`` (``policy`` replaced whole)."""
        check_policy_data(body.policy)
        row = self._row(enterprise_id, policy_id)
        policy = msgspec.json.decode(row.doc, type=EnterprisePolicy)
        for name in ("name", "description", "policy", "is_active"):
            value = getattr(body, name)
            if value is not None:
                setattr(policy, name, value)
        policy.updated_on = self.clock.utcnow()
        return self._save(row.pk, policy)

    def delete(self, enterprise_id: str, policy_id: int) -> None:
        """Remove the policy; a 404 if the enterprise has no such policy."""
        row = self._row(enterprise_id, policy_id)
        records_db.delete_policy(self.store, row.pk)

    def _row(self, enterprise_id: str, policy_id: int) -> StoredPolicy:
        row = None
        if 0 < policy_id <= _MAX_ID:
            row = records_db.policy(self.store, enterprise_id, policy_id)
        if row is None:
            raise not_found("Policy")
        return row

    def _save(self, pk: int, policy: EnterprisePolicy) -> EnterprisePolicy:
        doc = msgspec.json.encode(policy)
        records_db.save_policy(self.store, pk, policy.name, policy.is_active, doc)
        return policy


def _replace(policy: EnterprisePolicy, body: EnterprisePolicy, now: datetime) -> None:
    """Set the writable fields of ``policy`` from ``body``, with the defaults of a new one."""
    policy.name = body.name
    policy.description = body.description if body.description is not None else ""
    policy.policy = body.policy
    policy.is_active = body.is_active if body.is_active is not None else True
    policy.updated_on = now


def _google_policy_id(google_enterprise_id: str | None, policy_uuid: str) -> str:
    """The id Google would know the policy by: ``enterprises/<id>/policies/<id>``."""
    return f"enterprises/{google_enterprise_id or 'LC00000000'}/policies/{policy_uuid[:8]}"
