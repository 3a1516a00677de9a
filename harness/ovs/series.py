"""A layer's patch series: how it is applied (``git am``) and written (``git format-patch``).

Each layer in strategies/<layer>/patches/ is a series of ``git format-patch`` patches,
new files included, as a series on the ovs-dev list is. build.py applies the series to
the tarball; tree.py turns a variant's series into commits of a git tree and writes
commits back with :func:`format_series`, whose output is normalised so that a series
re-exported from the tree it made is byte-identical: a zero commit id on the ``From``
line, no version footer, no diffstat, abbreviated blob ids of fixed length, no user or
system git configuration, and one identity (:data:`IDENTITY`) that authors, commits and
signs off every patch.
"""

import os
import re
from pathlib import Path

from harness.errors import CommandError, ExtbenchError
from harness.proc import run, run_checked

NAME = "extbench"
EMAIL = "extbench@localhost"
#: The one identity of every patch: author, committer and Signed-off-by.
IDENTITY = f"{NAME} <{EMAIL}>"
SIGNOFF = f"Signed-off-by: {IDENTITY}"

#: git options that make format-patch output independent of the machine and the user.
FORMAT_OPTIONS = ["--zero-commit", "--no-signature", "--no-stat", "--abbrev=7",
                  "--no-renames", "--encoding=UTF-8", "--no-thread", "--no-cover-letter"]


def git_env(git_dir: Path | None = None, work_tree: Path | None = None) -> dict[str, str]:
    """Environment for git on an OVS tree: no user or system configuration, the one
    identity, and the git directory (which lives outside the tree) if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME=NAME, GIT_AUTHOR_EMAIL=EMAIL,
               GIT_COMMITTER_NAME=NAME, GIT_COMMITTER_EMAIL=EMAIL)
    if git_dir is not None:
        env["GIT_DIR"] = str(git_dir)
    if work_tree is not None:
        env["GIT_WORK_TREE"] = str(work_tree)
        # The tree may lie inside the project's own checkout: never let git find that one.
        env["GIT_CEILING_DIRECTORIES"] = str(work_tree.parent)
    return env


def git(tree: Path, git_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git on 'tree' whose git directory is 'git_dir'; return its stdout."""
    return run_checked(["git", *args], env={**git_env(git_dir, tree), **(env or {})},
                       cwd=str(tree))


def init_repo(tree: Path, git_dir: Path, message: str, tag: str = "pristine") -> None:
    """Make 'tree' (an unpacked tarball) the first commit of a new repository in 'git_dir',
    tagged 'tag'. Its author date is fixed, so the repository is the same on any day."""
    git_dir.parent.mkdir(parents=True, exist_ok=True)
    git(tree, git_dir, "init", "-q")
    git(tree, git_dir, "config", "user.name", NAME)
    git(tree, git_dir, "config", "user.email", EMAIL)
    git(tree, git_dir, "config", "core.autocrlf", "false")
    git(tree, git_dir, "add", "-A", "-f", ".")
    fixed = {"GIT_AUTHOR_DATE": "2023-02-17T00:00:00Z",
             "GIT_COMMITTER_DATE": "2023-02-17T00:00:00Z"}
    git(tree, git_dir, "commit", "-q", "--no-verify", "-m", message, env=fixed)
    git(tree, git_dir, "tag", tag)


def am(tree: Path, git_dir: Path, patches: list[Path]) -> None:
    """Apply 'patches' as commits with ``git am`` (no fuzz; keeps each patch's author and
    date). On failure the am is aborted and the error names the patch."""
    for patch in patches:
        cmd = ["git", "am", "--keep-cr", "--whitespace=nowarn", "--committer-date-is-author-date",
               str(patch)]
        out, err, rc = run(cmd, env=git_env(git_dir, tree), cwd=str(tree))
        if rc != 0:
            run(["git", "am", "--abort"], env=git_env(git_dir, tree), cwd=str(tree))
            raise ExtbenchError(f"{patch}: git am failed on {tree}:\n{(out + err).strip()}")


def check_identity(tree: Path, git_dir: Path, revs: str) -> None:
    """ExtbenchError naming each commit of 'revs' that another identity authored or
    committed, or that lacks the Signed-off-by of :data:`IDENTITY`, and how to fix it."""
    fmt = "%h%x00%an <%ae>%x00%cn <%ce>%x00%s%x00%B%x01"
    out = git(tree, git_dir, "log", "--reverse", f"--format={fmt}", revs)
    bad = []
    for entry in filter(str.strip, out.split("\x01")):
        sha, author, committer, subject, body = entry.strip("\n").split("\x00", 4)
        problems = [f"{role} {who}" for role, who in (("author", author),
                                                       ("committer", committer))
                    if who != IDENTITY]
        if not re.search(rf"^{re.escape(SIGNOFF)}$", body, re.M):
            problems.append("no " + SIGNOFF)
        if problems:
            bad.append(f"  {sha} {subject}: {', '.join(problems)}")
    if bad:
        raise ExtbenchError(
            "commits not made by the project's identity cannot be exported (every patch "
            f"is authored, committed and signed off by {IDENTITY}):\n" + "\n".join(bad) +
            "\nre-run with --fix-identity to rewrite them, or amend them yourself")


#: Files that autotools and make generate in the tarball's tree: a commit that changes them
#: carries build output, not a change of OVS (e.g. ``git commit -a`` after make).
GENERATED = re.compile(r"(^|/)(Makefile\.in|configure|aclocal\.m4|config\.h\.in|"
                       r"testsuite|package\.m4)$|^build-aux/")


def check_generated(tree: Path, git_dir: Path, revs: str) -> None:
    """ExtbenchError naming each commit of 'revs' that changes a generated file."""
    out = git(tree, git_dir, "log", "--reverse", "--format=%x01%h %s", "--name-only", revs)
    bad = []
    for entry in filter(str.strip, out.split("\x01")):
        head, *names = entry.strip("\n").split("\n")
        gen = [n for n in names if n and GENERATED.search(n)]
        if gen:
            bad.append(f"  {head}: {', '.join(gen)}")
    if bad:
        raise ExtbenchError(
            "commits change files that the build generates (commit only your edits: git add "
            "FILE …, not commit -a after make):\n" + "\n".join(bad) +
            "\nremove them from the commits (git rebase -i), then export again")


def fix_identity(tree: Path, git_dir: Path, base: str) -> None:
    """Rewrite every commit after 'base' (up to HEAD) to :data:`IDENTITY` as author and
    committer, with its Signed-off-by; author dates, trees and messages are kept, and tags
    on rewritten commits follow them. The work tree is not touched."""
    revs = git(tree, git_dir, "rev-list", "--reverse", "--topo-order", f"{base}..HEAD").split()
    if git(tree, git_dir, "rev-list", "--merges", f"{base}..HEAD").strip():
        raise ExtbenchError(f"{tree}: commits after {base} include merges: rebase them first")
    tags = {}
    for line in git(tree, git_dir, "show-ref", "--tags", "-d").splitlines():
        sha, ref = line.split()
        tags.setdefault(sha, []).append(ref.removesuffix("^{}"))
    parent = git(tree, git_dir, "rev-parse", base).strip()
    for rev in revs:
        date = git(tree, git_dir, "log", "-1", "--format=%aD", rev).strip()
        msg = git(tree, git_dir, "log", "-1", "--format=%B", rev)
        msg = run_checked(["git", "interpret-trailers", "--if-exists", "addIfDifferent",
                           "--trailer", SIGNOFF], input=msg, env=git_env())
        treeid = git(tree, git_dir, "rev-parse", f"{rev}^{{tree}}").strip()
        parent = run_checked(["git", "commit-tree", treeid, "-p", parent], input=msg,
                             env={**git_env(git_dir, tree), "GIT_AUTHOR_DATE": date,
                                  "GIT_COMMITTER_DATE": date}, cwd=str(tree)).strip()
        for ref in tags.get(rev, []):
            git(tree, git_dir, "update-ref", ref, parent)
    git(tree, git_dir, "update-ref", "-m", "extbench: fix identity", "HEAD", parent)


def format_series(tree: Path, git_dir: Path, revs: str, outdir: Path) -> list[Path]:
    """Write the commits 'revs' (e.g. ``base..top``) into 'outdir' as a normalised
    series, replacing the patches there; return the new patches in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.patch"):
        old.unlink()
    try:
        git(tree, git_dir, "format-patch", "-q", *FORMAT_OPTIONS, "-o", str(outdir), revs)
    except CommandError as e:
        raise ExtbenchError(f"git format-patch {revs} failed in {tree}: {e}") from e
    return sorted(outdir.glob("*.patch"))
