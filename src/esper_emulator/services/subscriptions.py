"""Event subscriptions: an AWS account whose SNS topic receives the enterprise's events."""

from __future__ import annotations

import re
import uuid

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.enterprise import load
from esper_emulator.services.urls import enterprise_url
from esper_emulator.store import Page, Store, Stored
from esper_emulator.store import records as records_db
from esper_emulator.validation import Rule, Rules
from esperclient.models import EventSubscription, EventSubscriptionArgs

SUBSCRIPTION_RULES: Rules = {"aws_account_id": Rule(required=True, min_length=1)}
"""A subscription names the AWS account (its 12 digits are checked by the service)."""

REGION = "us-east-1"
_ACCOUNT = re.compile(r"[0-9]{12}")


def topic_arn(account: str, enterprise_short: str, subscription_id: str) -> str:
    """The SNS topic the emulator pretends to publish the enterprise's events to."""
    return f"arn:aws:sns:{REGION}:{account}:esper-{enterprise_short}-{subscription_id[:8]}"


class Subscriptions:
    """The enterprise's event subscriptions: one per AWS account."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, enterprise_id: str, body: EventSubscriptionArgs) -> EventSubscription:
        """Subscribe ``aws_account_id``; a 400 unless it is 12 digits and not subscribed yet."""
        account = body.aws_account_id or ""
        if not _ACCOUNT.fullmatch(account):
            raise bad_request("aws_account_id", "An AWS account id is 12 digits.")
        if any(s.aws_account_id == account for s in self._all(enterprise_id)):
            raise bad_request("aws_account_id", "This AWS account is already subscribed.")
        short = (load(self.store, enterprise_id).short_code or "ent").lower()
        now = self.clock.utcnow()
        subscription_id = str(uuid.uuid4())
        subscription = EventSubscription.construct(
            id=subscription_id,
            aws_account_id=account,
            sns_topic_arn=topic_arn(account, short, subscription_id),
            created_on=now,
            updated_on=now,
            is_subscribed=True,
            enterprise=enterprise_url(enterprise_id),
        )
        doc = msgspec.json.encode(subscription)
        records_db.add_subscription(self.store, enterprise_id, subscription_id, doc)
        return subscription

    def list_subscriptions(self, enterprise_id: str, limit: int, offset: int) -> Page:
        """A page of the subscriptions, oldest first."""
        return records_db.subscriptions_page(self.store, enterprise_id, limit, offset)

    def get(self, enterprise_id: str, subscription_id: str) -> bytes:
        """The stored ``EventSubscription``; a 404 if the enterprise has no such one."""
        return self._row(enterprise_id, subscription_id).doc

    def delete(self, enterprise_id: str, subscription_id: str) -> None:
        """Remove the subscription; a 404 if the enterprise has no such one."""
        row = self._row(enterprise_id, subscription_id)
        records_db.delete_subscription(self.store, row.pk)

    def _all(self, enterprise_id: str) -> list[EventSubscription]:
        docs = records_db.subscription_docs(self.store, enterprise_id)
        return [msgspec.json.decode(doc, type=EventSubscription) for doc in docs]

    def _row(self, enterprise_id: str, subscription_id: str) -> Stored:
        row = records_db.subscription(self.store, enterprise_id, subscription_id)
        if row is None:
            raise not_found("Subscription")
        return row
