"""Errors that the CLI reports as one line and a non-zero exit status."""


class ExtbenchError(Exception):
    """Bad input or a missing prerequisite; the message names the input and the problem."""

    exit_status = 2


class CommandError(ExtbenchError):
    """An external command failed; carries the command, its status and stderr."""

    exit_status = 1

    def __init__(self, cmd: list[str], rc: int, stderr: str):
        self.cmd, self.rc, self.stderr = cmd, rc, stderr
        tail = stderr.strip().splitlines()[-5:]
        super().__init__(f"command failed (rc={rc}): {' '.join(cmd)}\n" + "\n".join(tail))


def unknown(kind: str, name: str, known: list[str]) -> ExtbenchError:
    """Return the standard error for an unknown name in a registry."""
    return ExtbenchError(f"unknown {kind} '{name}' (known: {', '.join(sorted(known)) or 'none'})")
