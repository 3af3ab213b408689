"""The Cell designer page as a battery researcher uses it, through Streamlit's AppTest (no
electrochemistry: the page computes budgets only, so these are quick)."""

import logging

import pytest
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest

from sortie.presets.loader import cell_from_data
from ui.state.session import PENDING_DESIGN

TIMEOUT_S = 60
POUCH = "nmc532-pouch-mohtat2020"


def _cell_page():
    from ui.pages import cell_designer

    cell_designer.render()


def page(cell_id: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_function(_cell_page, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    if cell_id is not None:
        at.session_state["design-cell"] = cell_id
    return at.run()


def figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def messages(at: AppTest) -> list[str]:
    return [e.value for e in (*at.error, *at.warning, *at.info)]


def test_a_coating_too_thick_for_the_pouch_keeps_the_figures_with_a_way_out():
    """67 -> 72 um of positive coating in the NMC532 pouch: 12 layers no longer fit. The page
    shows the figures of 11 layers (and says so), offers the thicker pouch instead, and a
    capacity match works from there."""
    at = page(POUCH)
    preset_capacity = figures(at)["Capacity"]
    at.number_input(key=f"{POUCH}-positive_electrode_thickness_um").set_value(72.0).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    (warning,) = [w.value for w in at.warning if "layers make a" in w.value]
    assert "12 layers make a 4.10 mm stack; the pouch has 4.09 mm inside" in warning
    assert "11 layers" in warning
    shown = figures(at)
    assert len(shown) == 6 and shown["Capacity"] != preset_capacity
    changed = " ".join(c.value for c in at.caption)
    assert "positive coating 72 µm (was 67 µm)" in changed
    assert "11 cathode layers (was 12)" in changed
    way_out = at.radio(key=f"{POUCH}-stack-fix")
    assert len(way_out.options) == 2
    way_out.set_value("thicker pouch").run()
    assert not at.exception and not at.error
    assert "pouch 4.52 mm thick (was 4.40 mm)" in " ".join(c.value for c in at.caption)
    thicker = figures(at)["Capacity"]
    assert float(thicker.split()[0]) > float(shown["Capacity"].split()[0])
    at.number_input(key=f"{POUCH}-target").set_value(5.0).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # Whole layers: 11 of them come nearest to 5 Ah, and the name says what it came to.
    name = next(m.value for m in at.markdown if "matched to 5 Ah" in m.value)
    assert "(edited)" in name and figures(at)["Capacity"] in name


def test_german_way_out_is_in_german():
    at = page(POUCH, lang="de")
    at.number_input(key=f"{POUCH}-positive_electrode_thickness_um").set_value(72.0).run()
    assert not at.exception and not at.error
    (warning,) = [w.value for w in at.warning if "Lagen" in w.value]
    assert "12 Lagen ergeben einen Stapel von 4,10 mm" in warning  # the domain's, translated
    assert "11 Lagen im 4,40-mm-Pouch" in warning
    assert at.radio(key=f"{POUCH}-stack-fix").label == "Ausweg"


def test_a_matched_cell_with_edited_electrodes_says_so_in_name_and_file():
    at = page("lg-m50-21700")
    at.number_input(key="lg-m50-21700-positive_electrode_thickness_um").set_value(70.0).run()
    at.number_input(key="lg-m50-21700-target").set_value(4.5).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    name = next(m.value for m in at.markdown if "matched to 4.5 Ah" in m.value)
    assert "(edited)" in name
    at.button(key="add_matched_to_comparison").click().run()
    (entry,) = at.session_state["own_cells"].values()
    document = entry["choice"]["document"]
    assert "(edited)" in document["name"]
    assert "electrodes unchanged" not in document["description"]
    assert "positive coating 70 µm (was 75.6 µm)" in document["description"]
    # The same document is the download ("Save the matched cell"): it loads back as built.
    cell = cell_from_data(document, "saved")
    assert cell.design.positive.coating_thickness_um == 70.0
    assert cell.name == document["name"]


def test_an_unmatched_cell_keeps_its_description():
    at = page("lg-m50-21700")
    at.number_input(key="lg-m50-21700-target").set_value(4.5).run()
    at.button(key="add_matched_to_comparison").click().run()
    (entry,) = at.session_state["own_cells"].values()
    document = entry["choice"]["document"]
    assert "(edited)" not in document["name"]
    assert "electrodes unchanged" in document["description"]


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Positive porosity [-]"), ("de", "Porosität Kathode [-]")]
)
def test_a_porosity_of_zero_names_the_field_the_user_touched(lang, label):
    at = page("lg-m50-21700", lang=lang)
    at.number_input(key="lg-m50-21700-positive_electrode_porosity").set_value(0.0).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and all(e.startswith(f"{label}: 0") for e in errors), errors
    assert not any("active_material" in m or "positive." in m for m in messages(at))
    assert not at.metric  # no figures for a value the field does not hold


def test_an_out_of_range_number_blocks_the_figures_instead_of_keeping_old_values():
    at = page("lg-m50-21700")
    assert figures(at)["Capacity"] == "5.05 Ah"
    coating = at.number_input(key="lg-m50-21700-positive_electrode_thickness_um")
    coating.set_value(5000.0).run()
    assert not at.exception
    out = "Positive coating [µm]: 5,000 is outside 5 to 500"
    assert any(e.value.startswith(out) for e in at.error), [e.value for e in at.error]
    assert not at.metric
    # The field keeps what was typed; back in range, the figures return.
    assert at.number_input(key="lg-m50-21700-positive_electrode_thickness_um").value == 5000.0
    at.number_input(key="lg-m50-21700-positive_electrode_thickness_um").set_value(60.0).run()
    assert figures(at)["Capacity"] != "5.05 Ah"
    at.number_input(key="lg-m50-21700-target").set_value(-1.0).run()
    assert any("Match capacity" in e.value and "outside" in e.value for e in at.error)
    assert not at.metric


def test_opening_a_design_in_the_designer_sets_the_widgets_without_a_streamlit_warning(caplog):
    """The design space page sends a design through session state: the widgets take it with
    no "created with a default value but also had its value set via the Session State API"
    warning (Streamlit logs it once per process: the flag is reset first)."""
    policies._shown_default_value_warning = False
    caplog.set_level(logging.WARNING, logger="streamlit")
    at = AppTest.from_function(_cell_page, default_timeout=TIMEOUT_S)
    at.session_state[PENDING_DESIGN] = {
        "preset": "nca-18650-power",
        "changes": {"positive_electrode_thickness_um": 51.5},
    }
    at.run()
    assert not at.exception
    assert at.selectbox(key="design-cell").value == "nca-18650-power"
    assert at.number_input(key="nca-18650-power-positive_electrode_thickness_um").value == 51.5
    at.run()  # and on the next run
    warned = [r.getMessage() for r in caplog.records if "Session State API" in r.getMessage()]
    assert not warned, warned


def test_german_figures_have_a_decimal_comma_and_german_names():
    at = page("lg-m50-21700", lang="de")
    assert not at.exception
    shown = figures(at)
    assert shown["Kapazität"] == "5,05 Ah"
    assert at.selectbox(key="design-cell").options[0] == "A123 26650 LFP (Prada2013)"
    assert "NCA-18650-Hochstromzelle (NCA_Kim2011)" in at.selectbox(key="design-cell").options
    geometry = next(c.value for c in at.caption if c.value.startswith("Elektrodenfläche"))
    assert "0,1" in geometry and "Windungen" in geometry and "." not in geometry
    at.number_input(key="lg-m50-21700-positive_electrode_thickness_um").set_value(70.0).run()
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Kapazität"] == "-0,23 Ah" and deltas["N/P-Verhältnis"] == "+0,08"
    changed = " ".join(c.value for c in at.caption)
    assert "Geändert gegenüber der Vorlage: Kathodenschicht 70 µm (vorher 75,6 µm)" in changed
    at.number_input(key="lg-m50-21700-target").set_value(4.5).run()
    assert not at.exception and not at.error
    name = next(m.value for m in at.markdown if "angepasst auf" in m.value)
    assert name == "**LG M50 21700 (NMC811, ORegan2022) (geändert) angepasst auf 4,5 Ah**"
    # The file keeps the domain's English name, and carries the German one beside it.
    at.button(key="add_matched_to_comparison").click().run()
    (entry,) = at.session_state["own_cells"].values()
    document = entry["choice"]["document"]
    assert document["name"] == "LG M50 21700 (NMC811, ORegan2022) (edited) matched to 4.5 Ah"
    assert document["name_de"] == name.strip("*")
    assert cell_from_data(document, "saved").name_de == document["name_de"]


def test_german_warnings_and_errors_are_in_german():
    at = page("lg-m50-21700", lang="de")
    at.number_input(key="lg-m50-21700-negative_electrode_thickness_um").set_value(40.0).run()
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("N/P-Verhältnis 0,48 liegt unter 1,0") for w in warnings), warnings
    at.number_input(key="lg-m50-21700-target").set_value(100.0).run()
    (error,) = [e.value for e in at.error]
    assert error.startswith("100 Ah brauchen das ") and "Bechers 21700" in error
    chen = page("lg-m50-21700-chen2020", lang="de")
    assert "Transportgrößen ohne Temperaturabhängigkeit: Kalte Missionen sehen zu gut aus" in [
        w.value for w in chen.warning
    ]


def test_a_matched_pouch_is_named_in_german_with_its_new_size():
    kokam = "kokam-slpb75106100"
    at = page(kokam, lang="de")
    at.number_input(key=f"{kokam}-target").set_value(5.0).run()
    assert not at.exception and not at.error
    name = next(m.value for m in at.markdown if "angepasst auf" in m.value)
    assert name.startswith("**Kokam, NMC-Pouchzelle (Ecker2015) angepasst auf 5 Ah: 15 Lagen, ")
    assert "Pouch 100 × 106 × 5,2 mm" in name and "7,5" not in name


def test_an_edited_design_goes_to_the_comparison_under_its_german_name():
    at = page("nca-18650-power", lang="de")
    at.number_input(key="nca-18650-power-positive_electrode_thickness_um").set_value(55.0).run()
    at.button(key="add_to_comparison").click().run()
    (entry,) = at.session_state["own_cells"].values()
    assert entry["name"] == "NCA-18650-Hochstromzelle (NCA_Kim2011) (geändert)"
    # A saved design names itself in English and in German (the template keeps both).
    saved = cell_from_data(
        {
            "template_of": "nca-18650-power",
            "id": "nca-18650-power-custom",
            "name": "NCA 18650 power cell (NCA_Kim2011) (edited)",
            "name_de": entry["name"],
            "description": "",
            "changes": {"positive_electrode_thickness_um": 55.0},
        },
        "saved",
    )
    assert saved.name_de == entry["name"] and saved.name.endswith("(edited)")
