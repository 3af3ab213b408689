"""The chamber boundary (issue 22, item 6): a single open cell in a test chamber with a stated
heat transfer coefficient, expressible from the command line and from files; the pack's
network unchanged when it is not asked for."""

import dataclasses
import itertools
import json

import numpy as np
import pytest

from sortie.cells.pack_layout import PackLayout
from sortie.models import pack_thermal as pt
from sortie.models.flight import fly_many
from sortie.models.run_setup import prepare_run
from sortie.models.settings import ModelKind, SimulationSettings, ThermalBoundary
from sortie.presets import load_cell
from sortie.studies.assumptions import flight_assumptions
from sortie.studies.assumptions.item import AssumptionKey
from sortie.studies.design_rows import resolve_base
from sortie.studies.design_space import parse_sweep_spec
from sortie.studies.setup import assemble, built_pack, resolve_settings
from tests.cli_helpers import assert_one_clear_line, sortie_here
from tests.conftest import constant_mission

CHAMBER = ThermalBoundary.CHAMBER


@pytest.fixture(scope="module")
def m50():
    return load_cell("lg-m50-21700-chen2020")


def test_a_cell_in_the_chamber_by_hand(m50):
    # The M50's can: 21.1 mm x 70.15 mm (format 21700 in the catalogue), side pi D H plus two
    # ends pi D^2 / 4 = 0.046499 + 0.000699 = 0.0053494 m2; at 25 W/(m2 K) it loses
    # 0.13374 W/K and warms as its own 67.46 J/K (no enclosure, no neighbour).
    network = pt.chamber_network(built_pack(1, 1), m50)
    assert network.exposed_area_m2[0] == pytest.approx(0.0053494, rel=1e-4)
    assert pt.mean_cell_cooling_w_per_k(network, 25.0) == pytest.approx(0.13374, rel=1e-4)
    assert pt.mean_cell_heat_capacity_j_per_k(network) == pytest.approx(
        m50.heat_capacity_j_per_k
    )
    assert network.neighbours == () and not network.sealed
    # The chamber's air does not move with a flight: its coefficient holds at any airspeed.
    assert pt.surface_convection_w_per_m2_k(network, 25.0, 20.0, 1.225) == 25.0
    # The pack's default 1S1P (a sealed wrap) is something else: more heat capacity.
    pack = pt.pack_network(built_pack(1, 1), m50)
    assert pt.mean_cell_heat_capacity_j_per_k(pack) > m50.heat_capacity_j_per_k + 5


def test_in_the_chamber_every_cell_of_a_pack_is_on_its_own(m50):
    network = pt.chamber_network(built_pack(3, 2), m50)
    assert network.cell_count == 6 and network.neighbours == ()
    assert np.allclose(network.exposed_area_m2, m50.design.format.surface_area_m2)


def test_the_run_gets_the_chamber_coefficient_and_the_cells_own_heat_capacity(m50):
    mission = constant_mission((600.0, 20.0))
    settings = SimulationSettings(
        thermal_boundary=CHAMBER, heat_transfer_coefficient_w_per_m2_k=17.0
    )
    run = prepare_run(m50, built_pack(1, 1), mission, settings)
    assert run.inputs.heat_transfer_coefficient_w_per_m2_k == pytest.approx((17.0,))
    assert run.inputs.volumetric_heat_capacity_j_per_m3_k * m50.budget.volume_m3 == (
        pytest.approx(m50.heat_capacity_j_per_k)
    )
    # Without the option: the pack's network, as before.
    default = prepare_run(m50, built_pack(1, 1), mission, SimulationSettings())
    assert SimulationSettings().thermal_boundary is ThermalBoundary.PACK
    assert default.network == pt.pack_network(built_pack(1, 1), m50)


def test_one_cell_in_the_chamber_is_one_cell_in_an_open_frame_in_still_air(m50):
    # The README's single cell in free air: a 1S1P open frame under a power profile (no
    # airflow) meets the air with its whole surface, as the chamber's cell does.
    mission = constant_mission((600.0, 20.0))
    open_frame = dataclasses.replace(
        built_pack(1, 1), layout=PackLayout(sealed=False)
    )
    frame = prepare_run(m50, open_frame, mission, SimulationSettings())
    chamber = prepare_run(
        m50, built_pack(1, 1), mission, SimulationSettings(thermal_boundary=CHAMBER)
    )
    assert chamber.inputs == frame.inputs


def test_the_chamber_changes_the_rise_and_a_larger_coefficient_gives_a_smaller_one(m50):
    # ~2C of the 5 Ah M50 for 20 minutes at 25 °C, flown together (one model: the boundary
    # and the coefficient are inputs); SPM is enough for an ordering.
    mission = constant_mission((1200.0, 36.0))
    settings = [SimulationSettings(model=ModelKind.SPM)] + [
        SimulationSettings(
            model=ModelKind.SPM, thermal_boundary=CHAMBER, heat_transfer_coefficient_w_per_m2_k=h
        )
        for h in (5.0, 10.0, 25.0, 50.0)
    ]
    flights = fly_many([assemble(m50, built_pack(1, 1), mission, None, s) for s in settings])
    pack_rise, *rises = [f.summary.max_cell_temperature_c - 25.0 for f in flights]
    assert all(a > b + 0.5 for a, b in itertools.pairwise(rises)), rises
    # At the same coefficient (10) the chamber's cell is not the sealed 1S1P pack's.
    assert abs(rises[1] - pack_rise) > 0.2, (rises[1], pack_rise)


def test_the_assumptions_say_chamber(m50):
    setup = assemble(
        m50,
        built_pack(1, 1),
        constant_mission((600.0, 20.0)),
        None,
        SimulationSettings(thermal_boundary=CHAMBER, heat_transfer_coefficient_w_per_m2_k=25.0),
    )
    items = {item.key: item for item in flight_assumptions(setup)}
    assert "test chamber" in items[AssumptionKey.THERMAL].en
    assert "Klimakammer" in items[AssumptionKey.THERMAL].de
    assert "53.5 cm²" in items[AssumptionKey.THERMAL].en
    assert "25 W/(m² K) throughout" in items[AssumptionKey.CONVECTION].en
    assert items[AssumptionKey.CONVECTION].values["chamber_w_per_m2_k"] == 25.0


def test_a_settings_change_and_a_sweep_file_can_ask_for_the_chamber():
    assert resolve_settings(None, {"settings.thermal_boundary": "chamber"}).thermal_boundary is (
        CHAMBER
    )
    spec = parse_sweep_spec(
        """
        [base]
        mission = "quad-isr-loiter"
        cell = "lg-m50-21700-chen2020"
        [base.settings]
        model = "spm"
        thermal_boundary = "chamber"
        heat_transfer_coefficient_w_per_m2_k = 25.0
        [[dimensions]]
        field = "cell.positive_electrode_thickness_um"
        values = [70.0, 80.0]
        """,
        "chamber.toml",
    )
    settings = resolve_base(spec).setup.settings
    assert settings.thermal_boundary is CHAMBER
    assert settings.heat_transfer_coefficient_w_per_m2_k == 25.0


@pytest.fixture(scope="module")
def log_csv(tmp_path_factory):
    """A 2C-ish power log of one M50 for 15 minutes."""
    path = tmp_path_factory.mktemp("chamber") / "cell-log.csv"
    path.write_text("time_s,power_w\n0,36\n900,36\n")
    return path


def _run_json(log_csv, *extra: str) -> dict:
    done = sortie_here(
        [
            "run",
            "--cell",
            "lg-m50-21700-chen2020",
            "--mission",
            str(log_csv),
            "--series",
            "1",
            "--parallel",
            "1",
            "--model",
            "spm",
            "--json",
            *extra,
        ]
    )
    assert done.status in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_the_command_line_flies_a_cell_in_a_chamber(log_csv):
    chamber = _run_json(log_csv, "--chamber", "--heat-transfer-coefficient", "25")
    same = _run_json(
        log_csv, "--set", "settings.thermal_boundary=chamber", "--heat-transfer-coefficient", "25"
    )
    pack = _run_json(log_csv, "--heat-transfer-coefficient", "25")
    thermal = {a["key"]: a for a in chamber["assumptions"]}["thermal model"]
    assert "test chamber" in thermal["en"]
    assert chamber["max_cell_temperature_c"] == same["max_cell_temperature_c"]
    assert chamber["max_cell_temperature_c"] != pytest.approx(
        pack["max_cell_temperature_c"], abs=0.05
    )


def test_an_unknown_boundary_is_one_line(log_csv):
    done = sortie_here(
        ["run", "--cell", "lg-m50-21700", "--mission", str(log_csv), "--series", "1",
         "--parallel", "1", "--set", "settings.thermal_boundary=oven"]
    )  # fmt: skip
    assert_one_clear_line(done, "thermal_boundary")
