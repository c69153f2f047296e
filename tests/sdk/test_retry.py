"""The retry rules, with the randomness pinned."""

from __future__ import annotations

import email.utils

import pytest

from esperclient._retry import RetryPolicy, retry_after


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        ("GET", 503, True),
        ("PUT", 502, True),
        ("DELETE", 504, True),
        ("POST", 503, False),  # may have acted: never run a command twice
        ("POST", 429, True),  # refused before acting
        ("GET", 500, False),
        ("GET", 404, False),
    ],
)
def test_which_answers_are_retried(method: str, status: int, expected: bool) -> None:
    assert RetryPolicy().retries_status(method, status, attempt=0) is expected


def test_retries_stop_at_the_limit() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.retries_status("GET", 503, attempt=1)
    assert not policy.retries_status("GET", 503, attempt=2)


def test_a_post_is_retried_only_when_it_never_left() -> None:
    policy = RetryPolicy()
    assert policy.retries_failure("POST", reached_server=False, attempt=0)
    assert not policy.retries_failure("POST", reached_server=True, attempt=0)
    assert policy.retries_failure("GET", reached_server=True, attempt=0)


def test_backoff_is_exponential_with_full_jitter() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert RetryPolicy(random=lambda: 0.25).delay(2) == 0.5


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(max_delay=8.0)
    assert policy.delay(0, {"Retry-After": "3"}) == 3.0
    assert policy.delay(0, {"retry-after": "120"}) == 8.0
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert retry_after({"Retry-After": date}, now=lambda: 1_000_000) == 10.0
    assert retry_after({"Retry-After": "soon"}) is None


def test_the_throttle_spaces_requests_evenly() -> None:
    from esperclient._throttle import Throttle

    now = [100.0]
    throttle = Throttle(4.0, clock=lambda: now[0])
    assert [throttle.reserve() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]
    now[0] = 102.0  # idle for a while: no debt carried over
    assert throttle.reserve() == 0.0
    assert Throttle(None).reserve() == 0.0
    with pytest.raises(ValueError):
        Throttle(0)
