"""Files Sortie reads and writes (``sortie/files.py``): regular files only, read with a hard
limit; writes whole or not at all, whatever stops them (SIGKILL, SIGTERM, a full disk); CSV
cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from sortie import files
from sortie.errors import FileTooLargeError, InputError
from sortie.files import (
    check_nesting,
    check_writable,
    read_regular_file,
    spreadsheet_safe,
    spreadsheet_safe_frame,
    write_atomically,
    write_file,
)
from tests.cli_helpers import assert_one_clear_line, sortie_here

ROOT = Path(__file__).resolve().parents[1]
OLD = b"the previous file, whole\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(files.TEMPORARY_PREFIX))


# --- reading ----------------------------------------------------------------------------------


def test_reads_regular_files_up_to_the_limit(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"x" * 10)
    assert read_regular_file(path, 10) == b"x" * 10
    with pytest.raises(FileTooLargeError, match=r"a\.toml: file too large \(11 bytes"):
        path.write_bytes(b"x" * 11)
        read_regular_file(path, 10, "a.toml")
    with pytest.raises(InputError, match="file not found"):
        read_regular_file(tmp_path / "missing.toml", 10)


def test_pipes_devices_folders_and_endless_links_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    start = time.monotonic()
    for name in ("pipe.toml", "zero.toml"):
        with pytest.raises(InputError, match="not a regular file"):
            read_regular_file(tmp_path / name, 1_000_000)
    with pytest.raises(InputError, match="not a regular file"):
        read_regular_file(tmp_path, 1_000_000)
    assert time.monotonic() - start < 1.0


def test_a_file_longer_than_it_claims_is_cut_at_the_limit(monkeypatch, tmp_path):
    """A file whose size reads small (a /proc file, one growing while read) is read with the
    limit all the same."""
    path = tmp_path / "grows.csv"
    path.write_bytes(b"y" * 5000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, status):
            self.st_mode, self.st_size = status.st_mode, 0

    monkeypatch.setattr(files.os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(FileTooLargeError, match="more than that"):
        read_regular_file(path, 4000)


def test_nesting_is_checked_without_recursion():
    check_nesting({"a": [{"b": 1}]}, "doc")
    deep: list = []
    node = deep
    for _ in range(100_000):  # far beyond Python's recursion limit
        node.append([])
        node = node[0]
    with pytest.raises(InputError, match="doc: nested more than 32 levels deep"):
        check_nesting(deep, "doc")


# --- writing ----------------------------------------------------------------------------------


def test_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(OLD)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_a_full_disk_keeps_the_previous_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(OLD)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(InputError) as caught:
        write_file(target, b"x" * 100_000, "out.csv")
    assert str(caught.value) == (
        "cannot write out.csv: No space left on device (the old file, if any, is unchanged)"
    )
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


WRITER = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from sortie import cli_process, files

    signal.signal(signal.SIGTERM, cli_process.raise_terminated)  # as the console entry does
    def stuck(fd):  # the disk takes its time: the data is half on its way
        print("writing", flush=True)
        time.sleep(60)
    files.os.fsync = stuck
    try:
        files.write_atomically(Path(sys.argv[1]), b"new " * 1_000_000)
    except cli_process.Terminated:
        sys.exit(143)
    """
)


def _writer(target: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline() == "writing\n"
    return child


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_write_never_leaves_half_a_file(tmp_path, how):
    """Stopped in the middle of its write, the target is the previous file, whole. SIGTERM
    cleans up at once; after SIGKILL the hidden temporary file is removed by the next write
    into the folder (its writer is gone)."""
    target = tmp_path / "out.csv"
    target.write_bytes(OLD)
    child = _writer(target)
    child.send_signal(how)
    status = child.wait(timeout=30)
    assert target.read_bytes() == OLD
    if how is signal.SIGTERM:
        assert status == 143
        assert leftovers(tmp_path) == []
        return
    assert status == -signal.SIGKILL
    (orphan,) = leftovers(tmp_path)
    old = time.time() - 2 * files.ORPHAN_AGE_S
    os.utime(tmp_path / orphan, (old, old))
    write_atomically(tmp_path / "other.csv", b"next write")
    assert leftovers(tmp_path) == []
    assert target.read_bytes() == OLD


def test_a_running_writer_keeps_its_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    child = _writer(target)
    try:
        (mine,) = leftovers(tmp_path)
        old = time.time() - 2 * files.ORPHAN_AGE_S
        os.utime(tmp_path / mine, (old, old))
        write_atomically(tmp_path / "other.csv", b"x")
        assert leftovers(tmp_path) == [mine]  # its writer still runs
    finally:
        child.kill()
        child.wait()


def test_check_writable_refuses_before_any_work(tmp_path):
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        check_writable(tmp_path / "no" / "x.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(InputError, match="not a regular file"):
        check_writable(tmp_path / "pipe.csv")
    check_writable(tmp_path / "x.csv")
    assert leftovers(tmp_path) == []


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write to, tried for real (root ignores permissions, so
    as root: sysfs)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    folder = Path("/sys")
    try:
        (folder / ".sortie-probe").touch()
    except OSError:
        return folder
    pytest.skip("no folder here is unwritable for root")


def test_an_unwritable_csv_folder_is_refused_before_the_flight(tmp_path):
    folder = _unwritable_folder(tmp_path)
    start = time.monotonic()
    done = sortie_here(["run", "--mission", "quad-isr-loiter", "--csv", str(folder / "x.csv")])
    assert_one_clear_line(done, f"cannot write --csv {folder / 'x.csv'}", "is not writable")
    assert not done.stdout and time.monotonic() - start < 5  # no DFN flight first


def test_csv_of_a_run_is_written_whole_and_formula_free(tmp_path, monkeypatch):
    mission = tmp_path / "formula.toml"
    mission.write_text(
        'id = "m"\nname = "m"\ndescription = ""\n'
        '[[segments]]\nname = "=HYPERLINK(\\"http://evil\\")"\nduration_s = 30\npower_w = 10\n'
        '[[segments]]\nname = "@SUM(A1)"\nphase = "hover"\nduration_s = 30\npower_w = 12\n'
    )
    csv = tmp_path / "out.csv"
    csv.write_bytes(OLD)
    args = ["run", "--mission", str(mission), "--cell", "lg-m50-21700-chen2020", "--model"]
    args += ["spm", "--series", "1", "--parallel", "1", "--csv", str(csv)]
    done = sortie_here(args)
    assert done.status == 0, done.stderr
    table = pd.read_csv(csv)
    assert set(table["segment"]) == {'\'=HYPERLINK("http://evil")', "'@SUM(A1)"}
    assert table["pack_power_w"].min() >= 0 and leftovers(tmp_path) == []
    # A full disk at the end of the flight: one line, the previous file kept.
    csv.write_bytes(OLD)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    assert_one_clear_line(sortie_here(args), "No space left on device")
    assert csv.read_bytes() == OLD and leftovers(tmp_path) == []


def test_spreadsheet_safe_text():
    for formula in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(formula) == "'" + formula
    assert spreadsheet_safe("hover 2") == "hover 2"
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "power_w": [-1.5, 2.0]})
    safe = spreadsheet_safe_frame(frame)
    assert list(safe["name"]) == ["'=cmd|' /C calc'!A0", "ok"]
    assert list(safe["power_w"]) == [-1.5, 2.0]  # numbers stay numbers
    assert list(frame["name"]) == ["=cmd|' /C calc'!A0", "ok"]  # the input is untouched


def test_a_written_file_gets_the_mode_a_plain_open_gives(tmp_path):
    """The temporary file is private (0600); the file it becomes must not be."""
    new = tmp_path / "new.csv"
    write_atomically(new, b"a\n")
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"a\n")
    assert stat.S_IMODE(new.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_atomically(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


# --- links and the folder's own entry ------------------------------------------------------


def test_the_folder_is_flushed_after_the_rename(tmp_path, monkeypatch):
    """A rename is on disk only once its folder is: after the file's own flush, the folder is
    flushed, and only once the target holds the new data (after the rename, not before)."""
    target = tmp_path / "out.csv"
    target.write_bytes(OLD)
    flushed: list[tuple[str, bytes]] = []
    real_fsync = os.fsync

    def recording(fd: int) -> None:
        # What the descriptor is, by the kernel's name for it, and what the target holds then.
        flushed.append((os.readlink(f"/proc/self/fd/{fd}"), target.read_bytes()))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", recording)
    write_atomically(target, b"new")
    assert [name for name, _ in flushed][-1] == str(tmp_path)
    assert Path(flushed[0][0]).name.startswith(files.TEMPORARY_PREFIX)
    assert flushed[0][1] == OLD and flushed[-1][1] == b"new"


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_a_link_is_refused_and_neither_it_nor_its_file_is_touched(tmp_path, dangling):
    real = tmp_path / "elsewhere" / "results.csv"
    real.parent.mkdir()
    if not dangling:
        real.write_bytes(OLD)
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    with pytest.raises(InputError) as caught:
        check_writable(link, f"--csv {link}")
    assert str(caught.value) == (
        f"cannot write --csv {link}: {link} is a symbolic link (to {real}); Sortie replaces a "
        "file whole and does not write through links: name the file itself"
    )
    with pytest.raises(InputError, match=rf"^cannot write out.csv: {link} is a symbolic link"):
        write_file(link, b"new", "out.csv")
    with pytest.raises(OSError, match="is a symbolic link"):
        write_atomically(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.exists() is not dangling and (dangling or real.read_bytes() == OLD)
    assert leftovers(tmp_path) == []


def test_a_link_to_a_folder_on_the_way_is_written_through(tmp_path):
    """Only the file itself must not be a link: a linked folder is where the file goes."""
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    write_file(tmp_path / "linked" / "out.csv", b"new")
    assert (tmp_path / "real" / "out.csv").read_bytes() == b"new"
