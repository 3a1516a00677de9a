"""The DPDK engine on one virtual device without hugepages, driven command by command.

Benchmarks and tests of the engine alone (a ``net_null`` sink, a ``net_ring`` loopback)
need no switch and no hugepage: ``--no-huge -m 256`` gives DPDK ordinary memory. The
engine's command protocol is the one ``harness.dpdk.process`` speaks in trials: a line in,
JSON answers out.
"""

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator

from harness.dpdk import FILE_PREFIX, remove_runtime_dir
from harness.dpdk.build import build_engine


@contextlib.contextmanager
def engine_on_vdev(vdev: str, name: str, cpu: int = 0,
                   nice: bool = False) -> Iterator[Callable[[str], dict]]:
    """Run the engine on the one device 'vdev' (e.g. ``net_null0,no-rx=1``) on CPU 'cpu';
    yield a function that sends one command and returns its answer (its attribute
    ``started`` holds the engine's first answer, with its ``ports``). An answer that is
    not ``ok``, or the engine ending, raises RuntimeError naming the command."""
    prefix = f"{FILE_PREFIX}{name}-{os.getpid()}"
    argv = [str(build_engine()), "-l", str(cpu), "--no-huge", "-m", "256", "--no-pci",
            "--no-shconf", "--file-prefix", prefix, "--log-level=warning", "--vdev", vdev]
    if nice:
        argv = ["nice", "-n", "19", *argv]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def reply(what: str) -> dict:
        while True:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError(f"engine ended at '{what}'")
            if line.startswith("{"):
                answer = json.loads(line)
                if not answer["ok"]:
                    raise RuntimeError(f"{what}: {answer['error']}")
                return answer

    def call(command: str) -> dict:
        p.stdin.write(command + "\n")
        return reply(command)

    try:
        call.started = reply("start")
        yield call
    finally:
        with contextlib.suppress(BrokenPipeError):
            p.stdin.write("quit\n")
            p.stdin.flush()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        remove_runtime_dir(prefix)
