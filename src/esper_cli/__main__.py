"""``python -m esper_cli``: the same as the ``esper`` command."""

from esper_cli import main

main()
