"""The trial record contract (config/record-schema.yaml), and records on disk.

A record is one JSON object per file, written atomically, checked against the schema when
written and when read. The schema is the single definition of the record: the tidy table's
columns (``COLUMNS``), the aggregation key (``KEY_COLUMNS``) and the nested fields kept as
JSON in the table (``NESTED``) are read from it. Records of an older ``record_version`` are
migrated when ``MIGRATIONS`` knows how, and refused otherwise, with the file and the
version named.
"""

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import jsonschema
import yaml

from harness import paths
from harness.errors import ExtbenchError

SCHEMA_PATH = paths.ROOT / "config" / "record-schema.yaml"
SCHEMA: dict = yaml.safe_load(SCHEMA_PATH.read_text())
VERSION: int = SCHEMA["properties"]["record_version"]["const"]
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _role(role: str) -> list[str]:
    return [k for k, v in SCHEMA["properties"].items() if v.get("x-role") == role]


#: Every field, in the schema's order: the tidy table's columns (plus ``record_file``).
COLUMNS: list[str] = list(SCHEMA["properties"])
#: Fields that identify a configuration: repetitions of one differ only in ``rep``.
KEY_COLUMNS: list[str] = _role("key")
#: Fields whose values are objects or arrays: JSON strings in the tidy table.
NESTED: list[str] = [k for k, v in SCHEMA["properties"].items()
                     if {"object", "array"} & set(v["type"] if isinstance(v.get("type"), list)
                                                  else [v.get("type")])]


class RecordError(ExtbenchError):
    """A record that does not follow the contract (names the file, if there is one)."""


#: record_version N → a function turning a version-N record into a version-N+1 record.
#: Version 0 (records written before the contract, without record_version) named no
#: experiment and no cache configuration, and their trial paths had neither: they are
#: refused rather than guessed.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


def problems(record: dict) -> list[str]:
    """What makes 'record' break the contract (empty if nothing does)."""
    out = []
    for e in sorted(_VALIDATOR.iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path) or "record"
        out.append(f"{where}: {e.message}")
    return out


def check(record: dict, source: str | Path = "record") -> dict:
    """Migrate 'record' to the current version and validate it; return it.

    Raises RecordError naming 'source' and the version when the record is of an unknown
    or unmigratable version, or breaks the schema.
    """
    version = record.get("record_version", 0)
    if not isinstance(version, int) or version > VERSION:
        raise RecordError(f"{source}: record_version {version!r} is newer than this "
                          f"harness reads ({VERSION}): update the harness")
    while version < VERSION:
        if version not in MIGRATIONS:
            raise RecordError(
                f"{source}: record_version {version} (written before the record contract "
                f"was version {VERSION}) cannot be migrated: rerun the trial (remove the "
                f"file and run the workflow again)")
        record = MIGRATIONS[version](dict(record))
        version = record["record_version"]
    bad = problems(record)
    if bad:
        raise RecordError(f"{source}: not a valid version-{VERSION} trial record "
                          f"(config/record-schema.yaml): " + "; ".join(bad[:5]))
    return record


def write_record(path: str | Path, record: dict) -> None:
    """Check 'record' and write it to 'path' via a temporary file and a rename: never a
    partial file, never a record that breaks the contract."""
    path = Path(path)
    check(record, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(record, f, indent=1, sort_keys=True, allow_nan=True)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_record(path: str | Path) -> dict:
    """Read one record, migrated to the current version and checked."""
    with open(path) as f:
        return check(json.load(f), path)
