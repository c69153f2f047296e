"""The retry rules, with the randomness pinned."""

from __future__ import annotations

import email.utils
import time

import pytest

from esperclient import RateLimitError
from esperclient._retry import Attempts, RetryPolicy, retry_after
from esperclient._throttle import Throttle


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
    now = [100.0]
    throttle = Throttle(4.0, clock=lambda: now[0])
    assert [throttle.reserve() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]
    now[0] = 102.0  # idle for a while: no debt carried over
    assert throttle.reserve() == 0.0
    assert Throttle(None).reserve() == 0.0
    with pytest.raises(ValueError):
        Throttle(0)


def test_a_pause_holds_every_request_back_even_without_a_limit() -> None:
    now = [100.0]
    throttle = Throttle(None, clock=lambda: now[0])
    throttle.pause(2.0)
    throttle.pause(0.5)  # a shorter pause never shortens a longer one
    assert throttle.reserve() == 2.0
    now[0] = 103.0
    assert throttle.reserve() == 0.0


def _attempts(method: str = "GET", **policy: float) -> tuple[Attempts, Throttle]:
    throttle = Throttle(None, clock=lambda: 0.0)
    rules = RetryPolicy(random=lambda: 0.5, **policy)  # type: ignore[arg-type]
    return Attempts(rules, method, throttle), throttle


def test_429s_do_not_use_up_retries_and_hold_the_client_back() -> None:
    attempts, throttle = _attempts(max_retries=1, rate_limit_patience=10.0)
    for _ in range(5):  # more 429s than retries
        assert attempts.after_status(429, {"Retry-After": "1"}) == 1.5  # 1 s, jittered
    assert throttle.reserve() == 1.0  # everyone waits for what the server asked
    assert attempts.after_status(503, {}) is not None  # the one retry is still there
    assert attempts.after_status(503, {}) is None


def test_429s_end_after_the_patience_and_at_once_without_retries() -> None:
    attempts, _ = _attempts(rate_limit_patience=4.0)
    assert [attempts.after_status(429, {"Retry-After": "1"}) for _ in range(3)] == [
        1.5,
        1.5,
        None,
    ]
    no_retries, _ = _attempts(max_retries=0)
    assert no_retries.after_status(429, {}) is None


def test_a_retried_delete_that_meets_404_after_a_lost_answer_is_done() -> None:
    attempts, _ = _attempts("DELETE")
    assert not attempts.already_done(404)  # first attempt: a plain 404
    attempts.after_failure(reached_server=True)  # the answer was lost: it may have run
    assert attempts.already_done(404)
    refused, _ = _attempts("DELETE")
    refused.after_failure(reached_server=False)  # never arrived: a 404 is a real 404
    assert not refused.already_done(404)
    get, _ = _attempts("GET")
    get.after_failure(reached_server=True)
    assert not get.already_done(404)


def test_a_rate_limit_error_reads_every_form_of_retry_after() -> None:
    def error(headers: dict[str, str]) -> RateLimitError:
        return RateLimitError(status=429, reason="Too Many Requests", headers=headers)

    assert error({"Retry-After": "3"}).retry_after == 3.0
    assert error({"retry-after-ms": "1500", "Retry-After": "2"}).retry_after == 1.5
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    hinted = error({"Retry-After": later}).retry_after
    assert hinted is not None and 3000 < hinted <= 3600
    assert error({}).retry_after is None
