"""Trial records on disk: one JSON object per file, written atomically."""

import json
import os
import tempfile
from pathlib import Path


def write_record(path: str | Path, record: dict) -> None:
    """Write 'record' to 'path' via a temporary file and a rename: never a partial file."""
    path = Path(path)
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
    """Read one record."""
    with open(path) as f:
        return json.load(f)
