"""Child program: load a TRex STL profile with the TRex client and print its streams as JSON.

Run by ``harness.traffic.profile`` as ``python trexload.py PATH TUNABLES_JSON STYLE`` in
its own interpreter, because importing the TRex client (``lbr_trex_client``) puts TRex's
bundled scapy 2.4.3 and PyYAML 3.11 first on sys.path and evicts already imported copies,
which would break the rest of the harness (scapy 2.8, PyYAML 6). This file imports nothing
from the harness. Output, on stdout: ``{"streams": [<STLStream.to_json()> + "name"]}``, or
``{"error": "<one line>"}`` with exit status 2.

STYLE chooses how get_streams() receives the tunables, as TRex clients do: ``tunables``
(TRex ≥ 2.90: an argparse-style list ``["--flows", "10"]``), ``kwargs`` (older TRex:
keyword arguments, with their JSON types, as ``STLProfile.load(..., **kwargs)`` passes
them: ``flows=10``), or ``auto``: ``tunables`` when get_streams() has a
parameter of that name, else ``kwargs``.
"""

import contextlib
import importlib.util
import inspect
import io
import json
import os
import sys
import traceback
import warnings


class ProfileError(Exception):
    """The profile is malformed or rejected its tunables; the message is one line."""


def _import(path: str):
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("xb_profile", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise ProfileError(f"syntax error at line {e.lineno}: {e.msg}") from e
    except Exception as e:
        raise ProfileError(f"import failed: {type(e).__name__}: {e}") from e
    if not callable(getattr(module, "register", None)):
        raise ProfileError("no register() function")
    return module


def _style(get_streams, style: str) -> str:
    if style != "auto":
        return style
    params = inspect.signature(get_streams).parameters
    return "tunables" if "tunables" in params else "kwargs"


def _call(get_streams, tunables: dict, style: str):
    """Call get_streams as a TRex client would; turn argparse exits into ProfileError."""
    params = inspect.signature(get_streams).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in (("direction", 0), ("port_id", 0))
              if k in params or takes_any}
    if _style(get_streams, style) == "tunables":
        kwargs["tunables"] = [x for k, v in tunables.items() for x in (f"--{k}", str(v))]
    else:
        kwargs.update(tunables)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            return get_streams(**kwargs)
    except SystemExit as e:
        lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
        msg = lines[-1].split("error: ", 1)[-1] if lines else f"exit status {e.code}"
        raise ProfileError(f"bad tunables {tunables}: {msg}") from e
    except TypeError as e:
        raise ProfileError(f"get_streams() rejected its arguments: {e}") from e


def load_streams(path: str, tunables: dict, style: str) -> list[dict]:
    """Import the profile at 'path', call it with 'tunables', return each stream's JSON."""
    module = _import(path)
    try:
        obj = module.register()
    except Exception as e:
        raise ProfileError(f"register() failed: {type(e).__name__}: {e}") from e
    if not callable(getattr(obj, "get_streams", None)):
        raise ProfileError("register() returned an object without get_streams()")
    try:
        streams = _call(obj.get_streams, tunables, style)
    except ProfileError:
        raise
    except Exception as e:
        frames = traceback.extract_tb(e.__traceback__)
        line = next((f.lineno for f in reversed(frames) if f.filename == path), "?")
        raise ProfileError(f"get_streams() failed (profile line {line}): "
                           f"{type(e).__name__}: {e}") from e
    if not isinstance(streams, (list, tuple)):
        streams = [streams]
    out = []
    for i, s in enumerate(streams):
        if not callable(getattr(s, "to_json", None)):
            raise ProfileError(f"get_streams() item {i} is not an STLStream "
                               f"({type(s).__name__})")
        try:
            j = s.to_json()
        except Exception as e:
            raise ProfileError(f"stream {i}: to_json() failed: {e}") from e
        j["name"] = getattr(s, "name", None)
        out.append(j)
    if not out:
        raise ProfileError("get_streams() returned no streams")
    return out


def main(argv: list[str]) -> int:
    """Print the profile's streams (or one error line) as JSON; return the exit status."""
    path, tunables, style = argv[0], json.loads(argv[1]), argv[2]
    # Python put this file's folder first on sys.path, where profile.py would shadow the
    # standard library's profile module; put the profile's folder there instead, as TRex
    # does, so that a profile can import its neighbours.
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    warnings.simplefilter("ignore")
    import lbr_trex_client  # noqa: F401  (puts the trex package on sys.path)

    try:
        # The profile's own prints must not mix with the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            streams = load_streams(path, tunables, style)
    except ProfileError as e:
        print(json.dumps({"error": str(e)}))
        return 2
    print(json.dumps({"streams": streams}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
