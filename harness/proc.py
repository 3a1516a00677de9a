"""Running external commands: ``run`` returns, ``run_checked`` raises on failure."""

import subprocess
from collections.abc import Mapping, Sequence

from harness.errors import CommandError


def run(cmd: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None,
        timeout: float | None = None, input: str | None = None) -> tuple[str, str, int]:
    """Run 'cmd' and return (stdout, stderr, returncode)."""
    p = subprocess.run(list(cmd), env=dict(env) if env is not None else None, cwd=cwd,
                       capture_output=True, text=True, timeout=timeout, input=input)
    return p.stdout, p.stderr, p.returncode


def run_checked(cmd: Sequence[str], **kwargs) -> str:
    """Run 'cmd' and return its stdout; raise CommandError (cmd, rc, stderr) if it fails."""
    out, err, rc = run(cmd, **kwargs)
    if rc != 0:
        raise CommandError(list(cmd), rc, err or out)
    return out
