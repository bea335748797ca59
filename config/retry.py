"""The one retry policy: how long to wait before trying again, and when to stop (built on tenacity).

Every retry in the project is one of these, built from the settings' retry keys by its caller:
arXiv requests (`[arxiv] retries`, `backoff_seconds`, `max_backoff_seconds`: exponential backoff with
jitter, Retry-After honoured), newsletter fetches (`[fetch] retries`, `retry_delay_seconds`: a fixed
wait) and waits for the DuckDB file lock (`lock_wait_seconds`: a deadline, short waits first). The
n-th wait is `min(max_wait, first_wait * 2**(n-1))`, times a random factor in [0.5, 1) with `jitter`
(so two waiting processes do not retry in lockstep), and never runs past the deadline.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again and how long to wait first; `call` runs a function under it."""

    attempts: int | None = None  # tries in all, the first included; None: until the deadline
    deadline: float | None = None  # seconds after the first try; no try starts after it
    first_wait: float = 0.0
    max_wait: float = 0.0
    jitter: bool = True
    #: Wait what an error's `retry_after` (seconds) asks, at least; asked for more than `max_retry_after`
    #: (default `max_wait`), give up: waiting that long belongs to the next scheduled run.
    honour_retry_after: bool = False
    max_retry_after: float | None = None

    def wait(self, failed_tries: int, error: BaseException | None = None, elapsed: float = 0.0) -> float:
        """Seconds to wait after the `failed_tries`-th failure (1 for the first)."""
        wait = min(self.max_wait, self.first_wait * 2 ** (failed_tries - 1))
        if self.jitter:
            wait *= random.uniform(0.5, 1.0)
        asked = getattr(error, "retry_after", None) if self.honour_retry_after else None
        if asked is not None:
            wait = max(wait, asked)
        if self.deadline is not None:
            wait = min(wait, max(0.0, self.deadline - elapsed))
        return wait

    def gives_up_on(self, error: BaseException) -> bool:
        asked = getattr(error, "retry_after", None) if self.honour_retry_after else None
        cap = self.max_retry_after if self.max_retry_after is not None else self.max_wait
        return asked is not None and asked > cap

    def call(
        self,
        fn: Callable[[], T],
        *,
        retry_if: Callable[[BaseException], bool],
        on_retry: Callable[[BaseException, int, float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> T:
        """`fn()`, tried again while `retry_if(error)` holds and the policy allows; the last error is raised.

        `on_retry(error, failed_tries, wait)` is told before each wait (to log it).
        """
        stops = [tenacity.stop_after_attempt(self.attempts)] if self.attempts is not None else []
        if self.deadline is not None:
            stops.append(tenacity.stop_after_delay(self.deadline))

        def before_sleep(state: tenacity.RetryCallState) -> None:
            if on_retry is not None:
                on_retry(state.outcome.exception(), state.attempt_number, state.next_action.sleep)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda e: retry_if(e) and not self.gives_up_on(e)),
            stop=tenacity.stop_any(*stops) if stops else tenacity.stop_never,
            wait=lambda state: self.wait(state.attempt_number, state.outcome.exception(),
                                         state.seconds_since_start or 0.0),
            before_sleep=before_sleep, sleep=sleep, reraise=True,
        )
        return retrying(fn)
