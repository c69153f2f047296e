"""Persistence: the tables and the queries over them.

``db`` holds the ``Store`` (transactions and the generic row operations) and ``schema``
the tables; the queries of each area are in their own module: ``enterprises`` (with the
API keys), ``devices``, ``reports`` (device apps, app installs, events), ``apps``,
``groups``, ``commands`` (device and group commands, command requests) and ``records``
(policies, geofences, subscriptions, content). Nothing outside this package writes SQL.
"""

from sqlalchemy import Row

from esper_emulator.store.db import Page, Store, create_store_engine

__all__ = ["Page", "Row", "Store", "create_store_engine"]
