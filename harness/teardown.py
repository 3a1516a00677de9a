"""Turning SIGTERM (and SIGHUP) into an exception, so that ``finally`` blocks tear down."""

import contextlib
import signal


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM or SIGHUP."""


@contextlib.contextmanager
def signals_raise():
    """While active, SIGTERM/SIGHUP raise Terminated (SIGINT already raises KeyboardInterrupt)."""
    def handler(signum, frame):
        raise Terminated(f"signal {signal.Signals(signum).name}")

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
