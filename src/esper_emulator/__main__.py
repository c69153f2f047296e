"""``python -m esper_emulator``."""

from esper_emulator.cli import main

raise SystemExit(main())
