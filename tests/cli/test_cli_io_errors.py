"""A full disk while writing results: one clear line, exit 1, no temporary files, no crash."""

from __future__ import annotations

import errno
import sys

import pytest
from cli_support import FAST

REGIMEN = "regimen=msc(cells=1e8,source=bm,allogeneic=0)@0"


def _disk_full(path):
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


@pytest.fixture
def full_hdf5(monkeypatch):
    """The HDF5 writer fails half-way, after it has created and partly written its temp file."""
    import sim.io.hdf5 as hdf5

    real = hdf5._write_group

    def write_group(f, tree, scales):
        real(f, tree, scales)
        _disk_full(f.file.filename)

    monkeypatch.setattr(hdf5, "_write_group", write_group)


@pytest.fixture
def full_png(monkeypatch):
    """The figure is written in part, then the disk is full."""
    from matplotlib.figure import Figure

    def savefig(self, fname, **kwargs):
        with open(fname, "wb") as fh:
            fh.write(b"\x89PNG partial")
        _disk_full(fname)

    monkeypatch.setattr(Figure, "savefig", savefig)


@pytest.mark.parametrize("where", ["full_hdf5", "full_png"])
def test_disk_full_gives_one_message_and_no_temp_files(where, request, tmp_path, monkeypatch, capsys):
    import sim.cli.run_app as run

    request.getfixturevalue(where)
    run_dir = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["sim-run", f"hydra.run.dir={run_dir}", *FAST, REGIMEN, "output.table=false"])
    with pytest.raises(SystemExit) as exit_info:
        run.main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sim-run: error: could not write the results"), err
    assert "No space left on device" in err[0]
    left = sorted(p.name for p in tmp_path.rglob("*") if ".tmp" in p.name)
    assert not left, left
    if where == "full_hdf5":  # nothing but Hydra's own files was there: no empty run folder
        assert not run_dir.exists()
    else:  # the HDF5 result was complete before the figure failed; no partial figure
        assert (run_dir / "result.h5").is_file() and not (run_dir / "result.png").exists()
