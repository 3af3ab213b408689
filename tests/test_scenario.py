"""Scenarios: validation, resolution with mass feedback, pack sizing, URLs, uploads."""

import base64
import dataclasses
import json
import tracemalloc
import zlib

import pytest
from pydantic import ValidationError

from sortie.errors import InputError
from sortie.models.settings import ModelKind
from sortie.studies.comparison import cell_of, compiled_of, mission_demand, temperature_limit_c
from sortie.studies.scenario import (
    MAX_VIEW_JSON_BYTES,
    MAX_VIEW_PARAMETER_CHARS,
    CellChoice,
    PackSizing,
    cell_choice,
    cell_of_choice,
    design_document,
    from_query,
    mission_document,
    scenario_from_dict,
    scenario_key,
    scenario_to_dict,
    showcases,
    to_query,
)

QUAD = {
    "mission": {"preset": "quad-isr-loiter"},
    "cells": [{"preset": "lg-m50-21700"}, {"preset": "nca-18650-power"}],
}


def query_of(scenario):
    """What the browser sends back: every key mapped to a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in to_query(scenario).items()}


def test_round_trips_through_json_and_url():
    scenario = scenario_from_dict({**QUAD, "ambient_c": -5.0, "pack_sizing": "same mass"})
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    query = query_of(scenario)
    assert query["cell"] == ["lg-m50-21700", "nca-18650-power"]
    assert query["ambient"] == ["-5"] and query["sizing"] == ["mass"]
    assert from_query(query) == scenario


def test_edited_cells_travel_in_the_url_and_documents_are_packed():
    edited = scenario_from_dict(
        {
            **QUAD,
            "cells": [
                {"preset": "lg-m50-21700", "overrides": {"positive_electrode_thickness_um": 60.0}}
            ],
        }
    )
    query = query_of(edited)
    assert query["cell"] == ["lg-m50-21700~positive_electrode_thickness_um=60"]
    assert from_query(query) == edited
    own = scenario_from_dict(
        {
            **QUAD,
            "cells": [
                {
                    "document": {
                        "template_of": "lg-m50-21700",
                        "id": "x",
                        "name": "X",
                        "description": "mine",
                    }
                }
            ],
        }
    )
    assert set(to_query(own)) == {"view"}
    assert from_query(query_of(own)) == own


@pytest.mark.parametrize(
    "query, message",
    [
        ({"view": ["not-base64!"]}, "cannot be read"),
        ({"mission": ["quad-isr-loiter"], "cell": ["lg-m50-21700"], "series": ["x"]}, "number"),
        ({"mission": ["quad-isr-loiter"], "cell": ["lg-m50-21700"], "series": ["2.5"]}, "whole"),
        ({"mission": ["quad-isr-loiter"], "cell": ["lg-m50-21700~thick"]}, "field=number"),
        ({"mission": ["quad-isr-loiter"], "cell": ["lg-m50-21700"], "model": ["fast"]}, "model"),
    ],
)
def test_damaged_links_are_one_line_errors(query, message):
    with pytest.raises(InputError, match=message) as error:
        from_query(query)
    assert "\n" not in str(error.value)


def test_a_url_without_a_scenario_is_none():
    assert from_query({"lang": ["de"]}) is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({**QUAD, "cells": []}, "at least 1"),
        ({**QUAD, "cells": [{"preset": "lg-m50-21700"}] * 7}, "at most 6"),
        ({**QUAD, "cells": [{"preset": "lg-m50-21700", "bpx": "{}"}]}, "exactly one"),
        ({**QUAD, "series_count": 0}, "series_count"),
        ({"mission": {}, "cells": QUAD["cells"]}, "exactly one"),
    ],
)
def test_bad_scenarios_are_refused(data, message):
    with pytest.raises(InputError, match=message):
        scenario_from_dict(data)


def test_each_cell_flies_its_own_mission_mass_feedback():
    scenario = scenario_from_dict(QUAD)
    m50 = compiled_of(scenario, 0)
    nca = compiled_of(scenario, 1)
    assert m50.setup.pack == nca.setup.pack  # same layout: 6S2P of the drone
    # The 21700 pack is heavier (12 x 69 g vs 12 x 45 g), so hovering costs more power.
    assert m50.pack_mass_kg > nca.pack_mass_kg
    assert m50.pack_mass_kg == m50.setup.pack.mass_kg(m50.setup.cell.budget)
    assert m50.mission.energy_wh > nca.mission.energy_wh
    assert len(m50.phases) == len(m50.mission.segments) == len(m50.phase_table())


def test_same_mass_sizing_picks_parallel_count_per_cell():
    scenario = scenario_from_dict({**QUAD, "pack_sizing": PackSizing.SAME_MASS})
    reference = compiled_of(scenario, 0).setup
    nca = compiled_of(scenario, 1).setup
    reference_kg = reference.pack.mass_kg(reference.cell.budget)
    per_string_kg = (
        reference_kg
        / reference.pack.parallel_count
        * (nca.cell.budget.mass_kg / reference.cell.budget.mass_kg)
    )
    # Hand check: the nearest whole number of NCA strings to the M50 pack's mass.
    assert nca.pack.parallel_count == round(reference_kg / per_string_kg)
    assert nca.pack.parallel_count == 3


def test_mission_demand_per_kilogram_of_cell():
    scenario = scenario_from_dict(QUAD)
    flown = compiled_of(scenario, 0)
    demand = mission_demand(flown)
    cells, mass_kg = flown.setup.pack.cell_count, flown.setup.cell.budget.mass_kg
    assert demand["energy_wh_per_kg"] == pytest.approx(flown.mission.energy_wh / cells / mass_kg)
    peak = max(s.power_w for s in flown.mission.segments)
    assert demand["peak_w_per_kg"] == pytest.approx(peak / cells / mass_kg)
    assert demand["mean_w_per_kg"] < demand["peak_w_per_kg"]


def test_uploaded_flight_log_becomes_a_mission_document():
    log = b"time_s,power_w\n0,100\n60,300\n120,300\n180,100\n"
    document = mission_document("log.csv", log)
    scenario = scenario_from_dict(
        {
            "mission": {"document": document},
            "cells": QUAD["cells"],
            "series_count": 6,
            "parallel_count": 2,
        }
    )
    flown = compiled_of(scenario, 0)
    # 0-60 s at 100 W, 60-180 s at 300 W (sample-and-hold) = 1.667 + 10 Wh
    assert flown.mission.energy_wh == pytest.approx(100 * 60 / 3600 + 300 * 120 / 3600, rel=0.01)
    assert flown.setup.drone is None and flown.setup.pack.cell_count == 12
    assert flown.take_off_mass_kg is None and flown.phases == ()


def test_a_power_profile_without_a_drone_needs_a_pack_layout():
    log = b"time_s,power_w\n0,100\n60,300\n120,300\n180,100\n"
    scenario = scenario_from_dict(
        {"mission": {"document": mission_document("log.csv", log)}, "cells": QUAD["cells"]}
    )
    with pytest.raises(InputError, match="no pack layout"):
        compiled_of(scenario, 0)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("log.txt", b"x", "a mission is"),
        ("log.csv", b"time_s,power_w\n0,10\n", "at least 2"),
        ("plan.toml", b"phases = 3 = 4", "malformed TOML"),
        ("plan.toml", b'id = "x"\nname = "x"\ndescription = ""\nphases = []\n', "phase"),
    ],
)
def test_bad_mission_uploads_are_one_line_errors(name, data, message):
    with pytest.raises(InputError, match=message) as error:
        mission_document(name, data)
    assert "\n" not in str(error.value)


def test_saved_design_reloads_as_the_same_cell():
    import tomli_w

    choice = CellChoice(preset="lg-m50-21700", overrides={"negative_electrode_thickness_um": 70.0})
    text = tomli_w.dumps(design_document(choice, "thin anode M50")).encode()
    reloaded, cell = cell_choice("mine.toml", text)
    assert cell.name == "thin anode M50"
    original = cell_of_choice(choice)
    assert cell.design.negative == original.design.negative
    assert cell.budget.energy_wh == pytest.approx(original.budget.energy_wh)
    assert reloaded.document["template_of"] == "lg-m50-21700"


def test_bad_cell_uploads_are_refused():
    with pytest.raises(InputError, match="a cell is"):
        cell_choice("cell.xlsx", b"")
    with pytest.raises(InputError, match="template_of"):
        cell_choice("cell.toml", b'template_of = "nope"\n')


def test_showcases_load_and_name_both_languages():
    shows = showcases()
    assert len(shows) >= 3 and len({show.id for show in shows}) == len(shows)
    for show in shows:
        for texts in (show.title, show.story):
            assert set(texts) == {"en", "de"} and all(texts.values())
            assert texts["en"] != texts["de"]  # translated, not copied
        key = scenario_key(show.scenario)
        assert scenario_key(scenario_from_dict(json.loads(key))) == key
        # Every cell of the scenario has a flight to show (or a verdict why not).
        for index in range(len(show.scenario.cells)):
            assert cell_of(show.scenario, index).budget.energy_wh > 0
            assert compiled_of(show.scenario, index).mission.duration_s > 0


def test_a_changed_scenario_is_a_new_validated_one_and_the_old_one_keeps_its_key():
    """A view is changed by building a new scenario (``dataclasses.replace``, as the pages
    do): validated like one read from a link, with its own cache key, the old one as it was."""
    scenario = scenario_from_dict({**QUAD, "ambient_c": -5.0})
    key = scenario_key(scenario)
    assert scenario_from_dict(json.loads(key)) == scenario  # round-trips through its key
    colder = dataclasses.replace(scenario, ambient_c=-20.0, model="spm")
    assert colder.model is ModelKind.SPM  # text becomes the enum, as from a link
    assert (scenario.ambient_c, scenario.model, scenario_key(scenario)) == (-5.0, "dfn", key)
    assert scenario_key(colder) != key
    assert from_query(query_of(colder)) == colder
    for change, field in (
        ({"ambient_c": 500.0}, "ambient_c"),
        ({"model": "p2d"}, "model"),
        ({"cells": ()}, "cells"),
        ({"series_count": 0}, "series_count"),
    ):
        with pytest.raises(ValidationError) as caught:
            dataclasses.replace(scenario, **change)
        assert [error["loc"][0] for error in caught.value.errors()] == [field]


def _view_of(raw: bytes, level: int = 9) -> dict[str, list[str]]:
    return {"view": [base64.urlsafe_b64encode(zlib.compress(raw, level)).decode("ascii")]}


def test_a_decompression_bomb_link_is_refused_without_inflating_it():
    """1.3 MB of link used to inflate to 1 GB in the one server process every visitor shares:
    the parameter's length and what it inflates to are both capped."""
    zeros = zlib.compressobj(9)
    packed = b"".join(zeros.compress(bytes(1 << 20)) for _ in range(1024)) + zeros.flush()
    bomb = {"view": [base64.urlsafe_b64encode(packed).decode("ascii")]}  # 1 GiB of zeros
    with pytest.raises(InputError, match="characters long"):
        from_query(bomb)
    # Small enough for the length cap, far beyond the inflation cap.
    small_bomb = _view_of(bytes(20 * MAX_VIEW_JSON_BYTES))
    assert len(small_bomb["view"][0]) < MAX_VIEW_PARAMETER_CHARS
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="inflates to more than 2,000,000 bytes"):
            from_query(small_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_VIEW_JSON_BYTES


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels deep"),
        (b'{"mission": ' * 40 + b"1" + b"}" * 40, "nested more than 32 levels deep"),
        (b"\xff\xfe", "is not JSON"),
        (b"{", "is not JSON"),
    ],
)
def test_views_that_are_no_scenario_are_one_line_errors(raw, message):
    with pytest.raises(InputError, match=message) as error:
        from_query(_view_of(raw))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "data",
    [
        {**QUAD, "mission": {"preset": "/etc/passwd"}},
        {**QUAD, "cells": [{"preset": "../sortie/presets/data/cells/lg-m50-21700.toml"}]},
        {**QUAD, "drone": "/etc/hostname"},
        {
            **QUAD,
            "mission": {
                "document": {
                    "id": "m",
                    "name": "m",
                    "description": "",
                    "drone": "/etc/passwd",
                    "phases": [{"name": "h", "phase": "hover", "duration_s": 60}],
                }
            },
        },
    ],
)
def test_a_link_names_presets_never_a_file_of_the_server(data):
    scenario = scenario_from_dict(data)
    with pytest.raises(InputError, match="is not a preset"):
        compiled_of(scenario, 0)


def test_the_temperature_limit_defaults_to_each_chemistrys_as_on_the_command_line():
    """No limit set: each cell stops at its chemistry's datasheet limit (the A123 LFP at
    55 °C, the NMC at 60 °C), and the plot draws the lowest; a limit set is everyone's."""
    data = {
        "mission": {"preset": "fixed-wing-patrol"},
        "cells": [{"preset": "lg-m50-21700"}, {"preset": "a123-26650-lfp"}],
    }
    scenario = scenario_from_dict(data)
    assert scenario.max_temperature_c is None
    assert "tmax" not in to_query(scenario)
    assert temperature_limit_c(scenario) == 55.0
    own = scenario_from_dict({**data, "max_temperature_c": 50.0})
    assert temperature_limit_c(own) == 50.0
    assert query_of(own)["tmax"] == ["50"] and from_query(query_of(own)) == own
