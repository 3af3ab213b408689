"""A catalogue chemistry from a BPX file: the About:Energy LFP 18650 (2022).

It must come in through the same checked import as a user's file (formula allow-list, child
process), stay the published file, and do what the catalogue says it does.
"""

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from sortie.cells.bpx_import import BpxError, read_bpx
from sortie.errors import InputError
from sortie.presets import chemistries, load_cell, loader
from sortie.presets.loader import DATA_DIR, load_chemistry

LFP_ID = "lfp-gr-aboutenergy2022"
LFP_FILE = DATA_DIR / "bpx" / "lfp-18650-about-energy-2022.json"
# SHA-256 of examples/lfp_18650_cell_BPX.json in the FaradayInstitution/BPX repository.
PUBLISHED_SHA256 = "fd6d0c992a641c30edad7a76dd988fac1162434c7f8302961fc8f587da1f62a5"


def test_the_packaged_file_is_the_published_example():
    assert hashlib.sha256(LFP_FILE.read_bytes()).hexdigest() == PUBLISHED_SHA256
    header = json.loads(LFP_FILE.read_text(encoding="utf-8"))["Header"]
    assert "About:Energy" in header["Description"]


def test_chemistry_holds_the_checked_document():
    chemistry = load_chemistry(LFP_ID)
    assert chemistry.bpx_json == read_bpx(LFP_FILE).bpx_json
    assert chemistry.parameter_set == "BPX"
    assert "FaradayInstitution/BPX" in chemistry.reference
    assert any("About:Energy" in source for source in chemistry.sources.values())


def test_cell_preset_is_the_files_cell():
    cell = load_cell("lfp-18650-2ah")
    bpx = read_bpx(LFP_FILE)
    design, budget = cell.design, cell.budget
    assert cell.chemistry.id == LFP_ID
    assert design.electrode_area_m2 == pytest.approx(bpx.electrode_area_m2)
    assert design.positive.coating_thickness_um == pytest.approx(bpx.positive_thickness_um)
    assert design.negative.coating_thickness_um == pytest.approx(bpx.negative_thickness_um)
    assert design.separator.thickness_um == pytest.approx(bpx.separator_thickness_um)
    # The file's 2 Ah class (2.08 Ah over its stoichiometry window), an 18650 can of its
    # volume (17.0 ml) and the specific energy of LFP 18650s (120-170 Wh/kg).
    assert budget.capacity_ah == pytest.approx(bpx.nominal_capacity_ah, rel=0.05)
    assert budget.volume_m3 == pytest.approx(bpx.cell_volume_m3, rel=0.02)
    assert 120 < budget.gravimetric_energy_density_wh_per_kg < 170


@pytest.fixture
def own_catalogue(tmp_path, monkeypatch):
    """A catalogue in ``tmp_path`` (chemistries.toml + bpx/), with the loader's caches reset."""
    (tmp_path / "bpx").mkdir()
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    loader._chemistry_entries.cache_clear()
    loader._catalogue_chemistry.cache_clear()
    yield tmp_path
    loader._chemistry_entries.cache_clear()
    loader._catalogue_chemistry.cache_clear()


def _write_entry(folder: Path, bpx_file: str) -> None:
    entries = tomllib.loads((DATA_DIR / "chemistries.toml").read_text(encoding="utf-8"))
    entry = dict(entries[LFP_ID], bpx_file=bpx_file)
    lines = [f"[{LFP_ID}]"]
    tables = {key: value for key, value in entry.items() if isinstance(value, dict)}
    lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items() if key not in tables]
    for name, table in tables.items():
        lines.append(f"[{LFP_ID}.{name}]")
        lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in table.items()]
    (folder / "chemistries.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_catalogue_file_with_code_is_refused_and_runs_nothing(own_catalogue):
    marker = own_catalogue / "pwned"
    code = f"__import__('os').system('touch {marker}')"
    exploit = "exec(" + " + ".join(f"chr({ord(character)})" for character in code) + ")"
    document = json.loads(LFP_FILE.read_text(encoding="utf-8"))
    document["Parameterisation"]["Negative electrode"]["OCP [V]"] = exploit
    (own_catalogue / "bpx" / "evil.json").write_text(json.dumps(document), encoding="utf-8")
    _write_entry(own_catalogue, "evil.json")
    with pytest.raises(BpxError, match=r"^evil\.json: Negative electrode\.OCP \[V\]: name 'exec'"):
        chemistries()
    assert not marker.exists()


@pytest.mark.parametrize("name", ["../chemistries.toml", "/etc/passwd", "sub/x.json", "x.toml"])
def test_bpx_file_must_be_a_json_file_of_the_bpx_folder(own_catalogue, name):
    shutil.copy(LFP_FILE, own_catalogue / "bpx" / "x.toml")
    _write_entry(own_catalogue, name)
    with pytest.raises(InputError, match=r"bpx_file must name a \.json file in presets/data/bpx/"):
        load_chemistry(LFP_ID)


def test_packaged_with_the_presets():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["sortie.presets"]
    assert "data/bpx/*.json" in patterns
