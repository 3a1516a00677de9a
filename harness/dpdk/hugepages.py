"""Reserve 2 MiB hugepages for a trial and give them back afterwards.

Only pages the reservation added are given back, and only free memory is taken: the
kernel grows the pool from free memory and shrinks it only by free pages, so pages that
something else holds are never touched. OVS (``--in-memory``, which OVS adds) and the
engine (``--in-memory``) allocate from the pool through memfd, so no file is left in a
hugetlbfs mount either way.
"""

import contextlib
import itertools
import os
import re
from pathlib import Path

from harness.dpdk import FILE_PREFIX
from harness.errors import ExtbenchError

POOL = Path("/sys/kernel/mm/hugepages/hugepages-2048kB")
PAGE_MB = 2
#: A reservation's record: the pages it added, so that ``extbench clean`` can give them
#: back for a run that was killed before it could (/tmp/xb-dpdk-<pid>-hugepages-<n>).
MARKER_DIR = Path("/tmp")
MARKER_RE = re.compile(rf"^{FILE_PREFIX}(\d+)-hugepages-\d+$")
_counter = itertools.count()


def free_pages(pool: Path = POOL) -> int:
    """Free 2 MiB pages in the pool."""
    return int((pool / "free_hugepages").read_text())


def total_pages(pool: Path = POOL) -> int:
    """Pages in the pool (nr_hugepages)."""
    return int((pool / "nr_hugepages").read_text())


@contextlib.contextmanager
def reserved(mb: int, pool: Path = POOL):
    """Make at least 'mb' MiB of 2 MiB pages free while the block runs; give back after.

    Raises ExtbenchError, naming the fix, if the pool does not exist or cannot grow enough.
    """
    if not pool.exists():
        raise ExtbenchError(f"{pool} not found: this kernel has no 2 MiB hugepages, which "
                            f"the dpdk port type needs")
    want = -(-mb // PAGE_MB)
    short = want - free_pages(pool)
    added = 0
    marker = MARKER_DIR / f"{FILE_PREFIX}{os.getpid()}-hugepages-{next(_counter)}"
    if short > 0:
        marker.write_text(str(short))
        before = total_pages(pool)
        try:
            (pool / "nr_hugepages").write_text(str(before + short))
        except OSError as e:
            raise ExtbenchError(f"cannot reserve {short} hugepages ({pool}/nr_hugepages: "
                                f"{e.strerror}): run as root") from e
        added = total_pages(pool) - before
        marker.write_text(str(added))
        if free_pages(pool) < want:
            _give_back(pool, added)
            marker.unlink(missing_ok=True)
            raise ExtbenchError(
                f"only {free_pages(pool) + added} of the {want} free 2 MiB hugepages a "
                f"dpdk trial needs ({mb} MiB) could be reserved: free memory, or reserve "
                f"them at boot (hugepages=N on the kernel command line)")
    try:
        yield want
    finally:
        _give_back(pool, added)
        marker.unlink(missing_ok=True)


def sweep(alive, pool: Path = POOL) -> list[str]:
    """Give back the pages of reservations whose process is gone; 'alive' tells by PID."""
    removed = []
    for marker in sorted(MARKER_DIR.glob(f"{FILE_PREFIX}*-hugepages-*")):
        m = MARKER_RE.match(marker.name)
        if not m or alive(int(m.group(1))):
            continue
        pages = int(marker.read_text() or 0)
        if pool.exists():
            _give_back(pool, pages)
        marker.unlink(missing_ok=True)
        removed.append(f"hugepage reservation of {pages} pages ({marker})")
    return removed


def _give_back(pool: Path, added: int) -> None:
    """Shrink the pool by the pages this reservation added (the kernel frees free ones)."""
    if added > 0:
        (pool / "nr_hugepages").write_text(str(max(0, total_pages(pool) - added)))
