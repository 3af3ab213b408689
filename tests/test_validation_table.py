"""The README's validation table is generated, not typed: it must equal the script's output."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "validation_table", ROOT / "tools/validation_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_the_generated_one():
    script = _script()
    readme = (ROOT / "README.md").read_text()
    assert readme == script.readme_with_table(readme, script.table()), (
        "README validation table is stale: run `python tools/validation_table.py --write`"
    )


def test_table_covers_cylindrical_pouch_and_high_power_cells():
    rows = _script().rows()
    kinds = {row["kind"] for row in rows}
    assert len(rows) >= 4
    assert any("pouch" in kind for kind in kinds)
    assert any(kind.endswith(("18650", "21700", "26650")) for kind in kinds)
    assert any(kind.startswith("high-power") for kind in kinds)
    for row in rows:
        assert row["source"]
        assert 0.5 < row["model_mass_g"] / row["sheet_mass_g"] < 1.5
