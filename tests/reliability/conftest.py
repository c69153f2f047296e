"""Fixtures of the reliability tests."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests import postgres

_databases = itertools.count(1)


@pytest.fixture
def postgres_database(postgres_cluster: postgres.Cluster) -> Iterator[str]:
    """A new empty database of the session's PostgreSQL (its URL), dropped after the test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"esper_reliability_{worker}_{next(_databases)}"
    yield postgres_cluster.create_database(name)
    postgres_cluster.drop_database(name)
