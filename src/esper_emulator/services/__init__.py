"""The rules of the emulated Esper service and its simulated fleet.

What every service keeps to:

- A read answers the stored JSON document (``bytes``) or a ``store.Page`` of them, as
  the wire will carry it; a write answers the model it wrote (``serve`` encodes it).
- Routes own the shape of a request (its JSON body checked against the model and its
  ``Rules``, a query value's form); services own the rules of the domain (what exists,
  what clashes, what a change does) and raise ``ApiError`` for those.
- A service takes typed arguments (ids, filters, models), never the raw query dict.
- A service runs inside the caller's store transaction and writes through ``store``'s
  area modules; object URLs come from ``urls``.
"""
