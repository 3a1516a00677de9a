"""Run a built variant's ovsdb-server and ovs-vswitchd in a private run directory.

Never the system's OVS service: every path (database, sockets, pid and log files) is
inside ``/tmp/xb-run-<variant>-<pid>-<n>``, and the daemons run in the foreground as our
own children (no --detach), so their PIDs are known and they are stopped by PID.
Commands (ovs-vsctl/ofctl/appctl) get an environment that points them at that run dir;
``env()`` is also what Mininet's switch shells must inherit.
"""

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from harness import PREFIX, paths
from harness.errors import ExtbenchError
from harness.ovs.build import manifest_sha256
from harness.proc import run_checked

RUN_DIR_PREFIX = f"{PREFIX}-run-"
_counter = itertools.count()


class OvsInstance:
    """ovsdb-server + ovs-vswitchd of one variant; use as a context manager."""

    def __init__(self, variant: str, vswitchd_args: tuple[str, ...] = (),
                 cpus: set[int] | None = None, other_config: dict[str, str] | None = None,
                 wrapper: tuple[str, ...] = (), start_timeout_s: float = 20.0):
        """variant: the build to run; cpus: CPUs for every daemon thread (None: any);
        other_config: Open_vSwitch other_config keys set before ovs-vswitchd starts (those
        that need a restart, e.g. dpdk-init); wrapper: a command that runs ovs-vswitchd
        (e.g. valgrind and its options; it must exec the daemon in the same process, so
        that its PID stays the daemon's); start_timeout_s: how long the daemons may take
        to answer (longer under a wrapper)."""
        self.variant, self.cpus = variant, cpus
        self.wrapper, self.start_timeout_s = wrapper, start_timeout_s
        self.other_config = other_config or {}
        self.prefix = paths.install_dir(variant)
        self.manifest_sha256 = manifest_sha256(variant)
        self.vswitchd_args = vswitchd_args
        self.run_dir: Path | None = None
        self.procs: dict[str, subprocess.Popen] = {}

    def env(self) -> dict[str, str]:
        """Environment that points OVS tools at this instance."""
        assert self.run_dir is not None
        env = dict(os.environ)
        run = str(self.run_dir)
        env.update(OVS_RUNDIR=run, OVS_DBDIR=run, OVS_LOGDIR=run, OVS_SYSCONFDIR=run,
                   OVS_PKGDATADIR=str(self.prefix / "share" / "openvswitch"),
                   OVS_BINDIR=str(self.prefix / "bin"))
        env["PATH"] = f"{self.prefix / 'bin'}:{self.prefix / 'sbin'}:{env.get('PATH', '')}"
        return env

    @property
    def db_sock(self) -> str:
        """The ovsdb-server's unix socket."""
        return f"unix:{self.run_dir}/db.sock"

    @property
    def vswitchd_log(self) -> Path:
        """ovs-vswitchd's log file."""
        assert self.run_dir is not None
        return self.run_dir / "ovs-vswitchd.log"

    def start(self) -> "OvsInstance":
        """Create the run dir and database, start both daemons and wait until they answer."""
        self.run_dir = Path(tempfile.mkdtemp(
            prefix=f"{RUN_DIR_PREFIX}{self.variant}-{os.getpid()}-{next(_counter)}-"))
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        run, env = self.run_dir, self.env()
        schema = self.prefix / "share" / "openvswitch" / "vswitch.ovsschema"
        run_checked([str(self.prefix / "bin" / "ovsdb-tool"), "create", f"{run}/conf.db",
                     str(schema)], env=env)
        self._spawn("ovsdb-server", [
            str(self.prefix / "sbin" / "ovsdb-server"), f"{run}/conf.db",
            f"--remote=p{self.db_sock}", f"--pidfile={run}/ovsdb-server.pid",
            f"--unixctl={run}/ovsdb-server.ctl", f"--log-file={run}/ovsdb-server.log",
            "-vconsole:off"])
        self._wait_for(lambda: Path(f"{run}/db.sock").exists(), "ovsdb-server socket")
        self.vsctl("--no-wait", "init")
        if self.other_config:
            self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                       *(f"other_config:{k}={v}" for k, v in self.other_config.items()))
        self._spawn("ovs-vswitchd", [
            *self.wrapper, str(self.prefix / "sbin" / "ovs-vswitchd"), self.db_sock,
            f"--pidfile={run}/ovs-vswitchd.pid", f"--unixctl={run}/ovs-vswitchd.ctl",
            f"--log-file={run}/ovs-vswitchd.log", "-vconsole:off", *self.vswitchd_args])
        self._wait_for(lambda: Path(f"{run}/ovs-vswitchd.ctl").exists(), "ovs-vswitchd control")
        self.appctl("version")
        if self.other_config.get("dpdk-init") == "true":
            self._wait_for(lambda: self.vsctl("get", "Open_vSwitch", ".",
                                              "dpdk_initialized").strip() == "true",
                           "DPDK initialisation of ovs-vswitchd")

    def _spawn(self, name: str, argv: list[str]) -> None:
        """Start a daemon in the foreground, in its own process group."""
        log = open(self.run_dir / f"{name}.stderr", "w")
        # Threads inherit the affinity set before exec (PMD threads then set their own).
        pin = (lambda: os.sched_setaffinity(0, self.cpus)) if self.cpus else None
        self.procs[name] = subprocess.Popen(argv, env=self.env(), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=pin)
        log.close()

    def _wait_for(self, cond, what: str) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while not cond():
            for name, p in self.procs.items():
                if p.poll() is not None:
                    err = (self.run_dir / f"{name}.stderr").read_text()[-2000:]
                    raise ExtbenchError(f"{name} of variant '{self.variant}' exited "
                                        f"(rc={p.returncode}): {err.strip()}")
            if time.monotonic() > deadline:
                raise ExtbenchError(f"timed out waiting for {what} in {self.run_dir}")
            time.sleep(0.05)

    def vsctl(self, *args: str) -> str:
        """Run ovs-vsctl against this instance's database."""
        return run_checked([str(self.prefix / "bin" / "ovs-vsctl"), f"--db={self.db_sock}",
                            "--timeout=20", *args], env=self.env())

    def appctl(self, *args: str, target: str = "ovs-vswitchd") -> str:
        """Run ovs-appctl against one of this instance's daemons."""
        return run_checked([str(self.prefix / "bin" / "ovs-appctl"), "--timeout=20",
                            "-t", f"{self.run_dir}/{target}.ctl", *args], env=self.env())

    def ofctl(self, cmd: str, bridge: str, *args: str,
              input_lines: list[str] | None = None, protocol: str = "OpenFlow13") -> str:
        """Run 'ovs-ofctl CMD BRIDGE ARGS' on one of our bridges ('input_lines' on stdin)."""
        stdin = "".join(f"{line}\n" for line in input_lines) if input_lines is not None else None
        return run_checked([str(self.prefix / "bin" / "ovs-ofctl"), "-O", protocol, cmd,
                            bridge, *args], env=self.env(), input=stdin)

    def add_bridge(self, name: str) -> None:
        """Add a userspace-datapath bridge with no controller and no default flows."""
        self.vsctl("add-br", name, "--", "set", "bridge", name, "datapath_type=netdev",
                   "fail-mode=secure")

    def check_alive(self) -> None:
        """ExtbenchError naming the daemon and its last words if one has died."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                lines = (self.run_dir / f"{name}.stderr").read_text(errors="replace")
                last = lines.strip().splitlines()[-1] if lines.strip() else "no message"
                raise ExtbenchError(f"{name} of variant '{self.variant}' died (exit status "
                                    f"{proc.returncode}): {last}")

    def pid(self, name: str = "ovs-vswitchd") -> int:
        """PID of one of the daemons."""
        return self.procs[name].pid

    def stop(self) -> None:
        """Delete our bridges, stop both daemons (SIGTERM, then SIGKILL), remove the run dir.

        Bridges go first: with the userspace datapath a bridge's internal port is a tap
        device that outlives ovs-vswitchd if the bridge is not deleted.
        """
        if "ovs-vswitchd" in self.procs and self.procs["ovs-vswitchd"].poll() is None:
            try:
                for br in self.vsctl("list-br").split():
                    self.vsctl("--if-exists", "del-br", br)
            except ExtbenchError:
                pass  # Best effort: the tap devices are also swept by extbench clean.
        for name in ("ovs-vswitchd", "ovsdb-server"):
            p = self.procs.pop(name, None)
            if p is not None:
                stop_process_group(p)
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    def __enter__(self) -> "OvsInstance":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_process_group(p: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM a child's process group, wait, then SIGKILL it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue
