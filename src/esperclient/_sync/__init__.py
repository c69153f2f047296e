# Generated from esperclient/_async/__init__.py by scripts/gen_sync.py: do not edit.
"""The idiomatic client, async; ``esperclient._sync`` is generated from this package."""
