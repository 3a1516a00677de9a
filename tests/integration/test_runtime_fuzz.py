"""A short libFuzzer run of the BPF runtime (loader -> verifier -> interpreter and JIT) under
ASan/UBSan, and the maps under concurrent use (stress-maps, ASan).

Builds strategies/common/fuzz/fuzz-bpf.c against the ``runtime`` variant's tree and runs it for
FUZZ_SECONDS from a copy of the seed corpus. Any memory error, undefined behaviour, leak,
timeout or crash fails the test (libFuzzer exits non-zero and leaves a crash file). Run-time
faults of accepted programs (caught by the interpreter's bounds checks: a verifier that accepted
too much) are printed; a long run with XB_FUZZ_ABORT_ON_FAULT=1 collects them. Both runs set
XB_FUZZ_JIT=1: every accepted program also runs as JIT code, which must give the interpreter's
results (the seed corpus is then a regression test of the JIT too).
"""

import os
import re
import shutil
import subprocess

import pytest

from harness import paths

pytestmark = [pytest.mark.integration]

FUZZ = paths.STRATEGIES / "common" / "fuzz"
FUZZ_SECONDS = 60
JIT_ENV = {**os.environ, "XB_FUZZ_JIT": "1"}


@pytest.fixture(scope="module")
def fuzzer(built_variant, tmp_path_factory):
    """The fuzz target, built against the runtime variant's tree."""
    if shutil.which("clang") is None:
        pytest.fail("clang not found: run make setup")
    tree = paths.BUILD / "src" / built_variant("runtime")
    out = tmp_path_factory.mktemp("fuzz") / "fuzz-bpf"
    p = subprocess.run([str(FUZZ / "build.sh"), str(tree), str(out)], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return out


def test_seed_corpus_is_accepted(fuzzer):
    p = subprocess.run([str(fuzzer), "-runs=0", str(FUZZ / "corpus")], capture_output=True,
                       text=True, timeout=300, env=JIT_ENV)
    assert p.returncode == 0, p.stderr[-3000:]
    m = re.search(r"fuzz-bpf: (\d+) inputs, (\d+) accepted.* (\d+) JIT runs compared", p.stderr)
    assert m and int(m.group(2)) >= 10 and int(m.group(3)) > 0, p.stderr[-1000:]


def test_short_fuzz_run_finds_no_memory_error(fuzzer, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus", corpus)
    p = subprocess.run([str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", "-timeout=10",
                        "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", str(corpus)],
                       capture_output=True, text=True, timeout=FUZZ_SECONDS + 240,
                       cwd=tmp_path, env=JIT_ENV)
    crashes = list(tmp_path.glob("crash-*")) + list(tmp_path.glob("leak-*"))
    assert p.returncode == 0 and not crashes, p.stderr[-4000:]
    m = re.search(r"fuzz-bpf: (\d+) inputs, (\d+) accepted, (\d+) runs, (\d+) run-time faults",
                  p.stderr)
    assert m, p.stderr[-1000:]
    print(m.group(0))
    assert int(m.group(1)) > 1000


def test_maps_under_concurrent_use_have_no_memory_error(fuzzer):
    # build.sh puts stress-maps (ASan) beside the fuzzer: 4 threads look up, replace and
    # delete hash entries while the others read and count in the values they found.
    p = subprocess.run([str(fuzzer.with_name("stress-maps")), "4", "300000"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-4000:]
    m = re.search(r"(\d+) found, (\d+) inserted or replaced, (\d+) deleted", p.stdout)
    assert m and all(int(x) > 0 for x in m.groups()), p.stdout
