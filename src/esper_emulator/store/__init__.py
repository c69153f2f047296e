"""Persistence: the tables and the queries over them.

``db`` holds the ``Store`` (transactions and the generic row operations) and ``schema``
the tables; the queries of each area are in their own module: ``enterprises`` (with the
API keys), ``devices``, ``reports`` (device apps, app installs, events), ``apps``,
``groups``, ``commands`` (device and group commands, command requests) and ``records``
(policies, geofences, subscriptions, content). Nothing outside this package writes SQL:
each area's writes sit in its module beside its reads, and hand out small records
(``Stored`` and the like) rather than SQLAlchemy rows where they can.
"""

from sqlalchemy import Row

from esper_emulator.store.db import Page, Store, Stored, create_store_engine

__all__ = ["Page", "Row", "Store", "Stored", "create_store_engine"]
