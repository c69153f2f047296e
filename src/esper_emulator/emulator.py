"""``Emulator``: one emulator's state and services, which its routes share."""

from __future__ import annotations

from esper_emulator.faults import Faults
from esper_emulator.group_commit import GroupCommit
from esper_emulator.services.apps import Apps
from esper_emulator.services.auth import Auth
from esper_emulator.services.blueprints import Blueprints
from esper_emulator.services.clock import Clock
from esper_emulator.services.command_api import CommandApi
from esper_emulator.services.command_requests import CommandRequests
from esper_emulator.services.content import Contents
from esper_emulator.services.converge import Converges
from esper_emulator.services.devices_v2 import DevicesV2
from esper_emulator.services.enterprise import Enterprises
from esper_emulator.services.fleet import Fleet
from esper_emulator.services.geofences import Geofences
from esper_emulator.services.groups import GroupCommands, Groups
from esper_emulator.services.policies import Policies
from esper_emulator.services.seed import Seeder
from esper_emulator.services.subscriptions import Subscriptions
from esper_emulator.settings import Settings
from esper_emulator.shared import Alone, Shared
from esper_emulator.store import Store, create_store_engine
from esper_emulator.store.shared import CLOCK_OFFSET


class Emulator:
    """One emulator's state and services, shared by its routes.

    ``faults`` is what the ``/api`` requests meet on the way in (rate limit, latency,
    injected faults) and what was counted; ``fleet.fail_next`` dooms the next commands.

    On PostgreSQL, where several processes may serve one database, ``shared`` keeps
    that state in the database (see ``esper_emulator.shared``). The first process
    stores the settings it was given; a worker that ``joins`` takes those in force.
    """

    def __init__(self, settings: Settings, *, joins: bool = False) -> None:
        self.settings = settings
        self.store = Store(create_store_engine(settings.db))
        self.commits = GroupCommit(self.store)
        with self.store.transaction():
            self.clock = Clock(float(self.store.meta_get(CLOCK_OFFSET) or 0.0))
        self.auth = Auth(self.store, self.clock)
        self.fleet = Fleet(self.store, self.clock, settings.latency_ms / 1000)
        self.apps = Apps(self.store, self.clock, settings.files_dir)
        self.seeder = Seeder(self.store, self.clock, self.auth)
        self.enterprises = Enterprises(self.store, self.clock)
        self.policies = Policies(self.store, self.clock)
        self.geofences = Geofences(self.store, self.clock)
        self.subscriptions = Subscriptions(self.store, self.clock)
        self.contents = Contents(self.store, self.clock, settings.files_dir)
        self.blueprints = Blueprints(self.store, self.clock)
        self.groups = Groups(self.store, self.clock)
        self.devices_v2 = DevicesV2(self.store, self.clock, self.fleet, self.groups)
        self.group_commands = GroupCommands(self.store, self.clock, self.fleet, self.groups)
        self.command_requests = CommandRequests(self.store, self.clock, self.fleet, self.groups)
        self.command_api = CommandApi(self.store, self.clock, self.fleet, self.groups)
        self.converges = Converges(self.store, self.clock, self.fleet, self.command_api)
        self.faults = Faults(settings)
        self.fleet.fail_next = settings.fail_next_commands
        self.shared = Shared(self) if self.store.shared else Alone(self)
        if joins:
            self.shared.refresh()
        else:
            self.shared.prime()

    def advance_clock(self, seconds: float) -> None:
        """Move simulated time forward (kept in the database) and apply what fell due."""
        with self.store.transaction():
            offset = float(self.store.meta_get(CLOCK_OFFSET) or 0.0) + seconds
            self.store.meta_set(CLOCK_OFFSET, repr(offset))
        self.clock.offset = offset
        self.fleet.advance()

    def reset(self) -> None:
        """Delete every enterprise, device, app, command and uploaded file; restart the clock."""
        with self.store.transaction():
            self.store.wipe()
        self.clock.offset = 0.0
        self.apps.forget_files()

    def close(self) -> None:
        """Release the database."""
        self.shared.close()
        self.store.close()
