"""Profiles: find a TRex STL profile by name and compile its streams.

A profile is a file ``profiles/<name>.py`` that runs unchanged on a TRex server: its
``register()`` returns an object whose ``get_streams(...)`` returns STLStream objects.
Compiling calls it with tunables (a dict) and keeps each stream as ``STLStream.to_json()``
gives it, which is exactly what a TRex server receives: packet bytes, field-engine
instructions, mode and rate. The TRex client runs in a child interpreter (``trexload``)
so that its bundled scapy and PyYAML never replace the harness's own.
"""

import base64
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness import paths
from harness.errors import ExtbenchError, unknown

TREXLOAD = Path(__file__).with_name("trexload.py")
STYLES = ("auto", "tunables", "kwargs")
# Bytes a rate in bits counts per packet beyond the packet itself: FCS (L2), plus
# preamble, start of frame delimiter and inter-frame gap (L1).
_L2_EXTRA, _L1_EXTRA = 4, 24


@dataclass(frozen=True)
class CompiledStream:
    """One stream of a profile as a TRex server receives it (``STLStream.to_json()``).

    index: position in the profile's list of streams
    name: the stream's name, or None
    packet: the packet template, without FCS (bytes)
    instructions: field-engine instructions (dicts with a 'type'), in program order
    vm: the field-engine program's other keys (e.g. 'cache')
    mode: the transmit mode ('type': continuous, single_burst, …; without 'rate')
    rate: {'type': pps|bps_L1|bps_L2|percentage, 'value': number}
    json: the whole to_json() output
    """

    index: int
    name: str | None
    packet: bytes
    instructions: list[dict]
    vm: dict
    mode: dict
    rate: dict
    json: dict = field(repr=False)

    @property
    def pps(self) -> float | None:
        """The stream's rate in packets per second; None when it depends on the link speed."""
        kind, value = self.rate["type"], float(self.rate["value"])
        if kind == "pps":
            return value
        if kind == "bps_L2":
            return value / ((len(self.packet) + _L2_EXTRA) * 8)
        if kind == "bps_L1":
            return value / ((len(self.packet) + _L1_EXTRA) * 8)
        return None

    @classmethod
    def from_json(cls, index: int, j: dict) -> "CompiledStream":
        """Build from one stream's to_json() output (plus 'name')."""
        vm = dict(j.get("vm", {}))
        mode = dict(j["mode"])
        return cls(index=index, name=j.get("name"),
                   packet=base64.b64decode(j["packet"]["binary"]),
                   instructions=list(vm.pop("instructions", [])), vm=vm,
                   rate=mode.pop("rate"), mode=mode, json=j)


def profile_names(directory: Path = paths.PROFILES) -> list[str]:
    """Names of the profiles in 'directory' (file stems; files starting with _ excluded)."""
    return sorted(p.stem for p in directory.glob("*.py") if not p.name.startswith("_"))


def profile_path(name: str, directory: Path = paths.PROFILES) -> Path:
    """The file of profile 'name'; the standard unknown-name error if there is none."""
    known = profile_names(directory)
    if name not in known:
        raise unknown("profile", name, known)
    return directory / f"{name}.py"


def compile_streams(name: str, tunables: dict | None = None,
                    directory: Path = paths.PROFILES, style: str = "auto",
                    timeout_s: float = 120.0) -> list[CompiledStream]:
    """Compile profile 'name' of 'directory' with 'tunables' ({name: value}) into its streams.

    style: how get_streams receives the tunables: 'tunables' (argparse list), 'kwargs'
    (keyword arguments) or 'auto' (as the profile's signature says)
    """
    return compile_file(profile_path(name, directory), tunables, style, timeout_s)


def compile_file(path: Path, tunables: dict | None = None, style: str = "auto",
                 timeout_s: float = 120.0) -> list[CompiledStream]:
    """Compile the profile in file 'path' (any folder: the folder goes on the import path,
    as TRex puts it) with 'tunables' into its streams.

    Tunables keep their types, as ``STLProfile.load(path, **kwargs)`` passes them: a
    profile taking keyword arguments gets ``framesize=64`` as an int; one taking TRex's
    argparse list (``tunables``) gets strings, as TRex's console gives them.
    """
    if style not in STYLES:
        raise unknown("tunables style", style, list(STYLES))
    path = Path(path)
    label = path.stem
    if not path.is_file():
        raise ExtbenchError(f"profile {path}: no such file")
    tunables = {str(k): v for k, v in (tunables or {}).items()}
    try:
        encoded = json.dumps(tunables)
    except TypeError as e:
        raise ExtbenchError(f"profile '{label}' ({path}): tunables must be JSON values "
                            f"(numbers, strings, booleans, lists): {e}") from None
    cmd = [sys.executable, str(TREXLOAD), str(path.resolve()), encoded, style]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        raise ExtbenchError(f"profile '{label}' ({path}): not compiled within "
                            f"{timeout_s:.0f} s") from e
    try:
        out = json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExtbenchError(f"profile '{label}' ({path}): loader failed "
                            f"(rc={p.returncode}): {tail}") from None
    if "error" in out:
        raise ExtbenchError(f"profile '{label}' ({path}): {out['error']}")
    return [CompiledStream.from_json(i, j) for i, j in enumerate(out["streams"])]


def decode_tunable(text: str):
    """A tunable's value from the command line, as TRex's console decodes ``-t a=b``:
    quoted → string, true/false (on/off, yes/no) → bool, 0x… → int, with a dot → float,
    else int, else the string."""
    if len(text) > 1 and text[0] in "'\"" and text[-1] in "'\"":
        return text[1:-1]
    low = text.lower()
    if low in ("true", "on", "yes"):
        return True
    if low in ("false", "off", "no"):
        return False
    try:
        if low.startswith("0x"):
            return int(text, 16)
        return float(text) if "." in text else int(text)
    except ValueError:
        return text
