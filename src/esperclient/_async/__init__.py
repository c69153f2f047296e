"""The idiomatic client, async; ``esperclient._sync`` is generated from this package."""
