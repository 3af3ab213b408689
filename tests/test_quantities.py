"""The field and figure registry (sortie.quantities): labels in both languages, units that
match the names, directions, ranges the domain's own validation accepts at both ends, one
registry read by the pages and studies."""

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from sortie import quantities
from sortie.cells.design_edits import DesignField, field_range, stack_overflow
from sortie.errors import InputError
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from sortie.quantities import FIELDS, FIGURES, MODEL_LABELS, Direction
from sortie.studies.design_rows import ROW_COLUMNS, TEXT_COLUMNS
from sortie.studies.optimise import Goal, Objective
from sortie.studies.scenario import CellChoice, MissionChoice, Scenario
from sortie.studies.setup import resolve_setup

ROOT = Path(__file__).resolve().parents[1]

# A name's unit suffix and the units (and factors from it) a label may show it in.
_FIELD_UNITS = {"_um": "µm", "_kg": "kg", "_c": "°C", "_count": "-"}
_FIGURE_UNITS = {
    "_s": {("s", 1.0), ("min", 1 / 60)},
    "_wh_per_kg": {("Wh/kg", 1.0)},
    "_wh_per_l": {("Wh/L", 1.0)},
    "_c": {("°C", 1.0)},
    "_v": {("V", 1.0)},
    "_kg": {("kg", 1.0)},
    "_ah": {("Ah", 1.0)},
    "state_of_charge": {("%", 100.0), ("-", 1.0)},  # a fraction 0..1
}


def _suffix(name: str, suffixes) -> str | None:
    return next((s for s in sorted(suffixes, key=len, reverse=True) if name.endswith(s)), None)


def test_every_field_and_figure_has_a_label_in_both_languages_with_its_unit():
    for entry in (*FIELDS.values(), *FIGURES.values()):
        assert entry.en.strip() and entry.de.strip(), entry
        assert entry.label("en") == f"{entry.en} [{entry.unit}]"
        assert entry.label("de") == f"{entry.de} [{entry.unit}]"
    # German labels are German (a word the same in both, such as Separator, is the exception).
    same = {f.key for f in FIELDS.values() if f.en == f.de}
    assert same == {"cell.separator_thickness_um"}
    assert not [f.column for f in FIGURES.values() if f.en == f.de]


def test_units_match_the_names():
    for key, field in FIELDS.items():
        suffix = _suffix(key, _FIELD_UNITS)
        assert _FIELD_UNITS.get(suffix, "-") == field.unit, key  # no suffix: a fraction
    for column, figure in FIGURES.items():
        suffix = _suffix(column, _FIGURE_UNITS)
        assert suffix is not None, column
        assert (figure.unit, figure.scale) in _FIGURE_UNITS[suffix], column


def test_directions_and_figures_are_columns_of_a_design_row():
    numeric = set(ROW_COLUMNS) - set(TEXT_COLUMNS)
    assert set(FIGURES) <= numeric
    assert FIGURES["endurance_s"].direction is Direction.MORE
    assert FIGURES["final_state_of_charge"].more_is_better
    for less in ("pack_mass_kg", "take_off_mass_kg", "max_cell_temperature_c"):
        assert FIGURES[less].direction is Direction.LESS, less


def test_an_objective_without_a_goal_takes_the_figures_better_way():
    """optimise.Goal reads the registry's directions: no file means to maximise pack mass."""
    for column, figure in FIGURES.items():
        goal = Objective(figure=column).goal
        assert goal.more_is_better is figure.more_is_better, column
    assert Objective(figure="pack_mass_kg").goal is Goal.MINIMISE
    assert Objective(figure="pack_mass_kg", goal=Goal.MAXIMISE).goal is Goal.MAXIMISE
    assert Objective(figure="speed_m_per_s").goal is Goal.MAXIMISE  # no direction: maximised


def test_model_labels_name_every_model():
    assert set(MODEL_LABELS) == {m.value for m in ModelKind}
    assert MODEL_LABELS[ModelKind.SPME] == "SPMe"


@pytest.mark.parametrize("key", list(FIELDS))
def test_a_sweep_builds_a_valid_setup_at_both_ends_of_a_fields_range(key):
    """The accepted range is inside the domain's validation: the sweep's own path (the
    changes applied to the cell, pack, drone or settings) builds a setup at both ends."""
    field = FIELDS[key]
    assert field.low_value < field.high_value
    for value in (field.low_value, field.high_value):
        setup = resolve_setup("quad-isr-loiter", cell="lg-m50-21700", changes={key: value})
        assert setup is not None


def test_just_outside_a_domain_limit_the_same_path_refuses():
    """The check above can fail: past the cell's own limit the setup is refused."""
    with pytest.raises((InputError, ValidationError)):
        resolve_setup(
            "quad-isr-loiter",
            cell="lg-m50-21700",
            changes={"cell.positive_electrode_thickness_um": 1000.0},
        )


@pytest.mark.parametrize("field", list(DesignField))
@pytest.mark.parametrize("cell", ["lg-m50-21700", "lfp-18650-2ah"])
def test_the_designers_range_builds_a_valid_cell_at_both_ends(cell, field):
    shown = quantities.cell_field(field.value)
    assert shown.designer_range is not None
    low, high = shown.designer_range
    assert shown.low_value <= low < high <= shown.high_value  # the designer is inside a sweep's
    design = load_cell(cell).design
    for value in field_range(design, field):
        overrides = {field.value: value}
        # A stack that no longer fits is offered a way out, as the designer does.
        overflow = stack_overflow(design, {field: value})
        if overflow is not None:
            assert overflow.options, overflow.message
            overrides |= overflow.options[0].overrides
        load_cell(cell, overrides)  # raises when the design does not validate


def test_the_scenarios_bounds_take_the_registrys_pack_payload_and_ambient_ranges():
    def scenario(**fields) -> Scenario:
        return Scenario(
            mission=MissionChoice(preset="quad-isr-loiter"),
            cells=(CellChoice(preset="lg-m50-21700"),),
            **fields,
        )

    names = {
        "pack.series_count": "series_count",
        "pack.parallel_count": "parallel_count",
        "drone.payload_kg": "payload_kg",
        "settings.ambient_c": "ambient_c",
    }
    for key, name in names.items():
        field = FIELDS[key]
        for value in (field.low_value, field.high_value):
            scenario(**{name: int(value) if field.whole else float(value)})
    for value in (FIELDS["settings.ambient_c"].low_value, FIELDS["settings.ambient_c"].high_value):
        SimulationSettings(ambient_c=value)


def test_the_pages_limits_are_inside_the_registrys():
    from ui.pages import compare_inputs
    from ui.state import session
    from ui.widgets import mission_input

    ambient = FIELDS["settings.ambient_c"]
    assert ambient.low_value <= session.AMBIENT_RANGE_C[0] < session.AMBIENT_RANGE_C[1]
    assert session.AMBIENT_RANGE_C[1] <= ambient.high_value
    payload = FIELDS["drone.payload_kg"]
    assert (payload.low_value, payload.high_value) == mission_input.PAYLOAD_RANGE_KG
    assert compare_inputs.SERIES is FIELDS["pack.series_count"]


def test_a_default_sweep_range_stays_inside_the_accepted_range():
    parallel = FIELDS["pack.parallel_count"]
    assert parallel.default_range(300) == (1, 400)  # 300P doubled is past 400
    assert parallel.default_range(1) == (1, 2)
    porosity = FIELDS["cell.positive_electrode_porosity"]
    assert porosity.default_range(0.1) == pytest.approx((0.05, 0.17))
    assert FIELDS["drone.payload_kg"].default_range(0.0) == (0.0, 3.0)
    assert FIELDS["settings.ambient_c"].default_range(25.0) == (-20.0, 40.0)
    coating = FIELDS["cell.positive_electrode_thickness_um"]
    assert coating.default_range(100.0) == pytest.approx((70.0, 130.0))


def test_the_pages_and_studies_read_the_one_registry():
    from ui.figures import space_charts
    from ui.pages import design_space_results

    assert space_charts.FIELDS is FIELDS and space_charts.FIGURES is FIGURES
    assert design_space_results.FIGURES is FIGURES
    # No page keeps its own copy of labels or model names.
    for page in sorted((ROOT / "ui" / "pages").glob("*.py")):
        text = (ROOT / page).read_text()
        assert "Kathodenschicht" not in text and '"SPMe"' not in text, page


def test_the_registry_imports_neither_pybamm_nor_streamlit():
    code = (
        "import sys, sortie.quantities; "
        "print(sorted(m for m in ('pybamm', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"

