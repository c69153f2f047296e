"""Persistence: the tables and the queries over them."""

from esper_emulator.store.db import Page, Store, create_store_engine

__all__ = ["Page", "Store", "create_store_engine"]
