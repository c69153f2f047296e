"""Benchmarks of esperclient against esperclient 0.1.3 and the raw transports (``make bench``).

Nothing here runs in ``make test``. ``python -m bench`` starts one emulator in a
subprocess and runs every client in subprocesses of its own (0.1.3 in
``bench/.venv-orig``), so the client's CPU time is never shared with the server's.
"""
