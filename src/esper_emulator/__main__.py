"""``python -m esper_emulator``."""

from esper_emulator import main

main()
