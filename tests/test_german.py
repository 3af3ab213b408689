"""German, completely: every page in German shows none of the app's own English texts.

(a) The app's own English: the first argument of every ``tr(english, german)`` in ``ui/`` and
``app.py`` (read from the code), the presets' English names and descriptions, and the
termination texts; only texts with a word that is not also German or neutral (names, units,
model names) count. (b) Every page walked in German with AppTest, every preset mission, drone
and cell selected once (one cheap SPM comparison is flown). (c) Any shown text holding one of
those English texts is reported, all offenders at once (page, element, text).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sortie.models.result import TerminationReason
from sortie.presets import PresetKind, list_presets, load_mission

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 300

# Words German shares with English, or that are names, units, model or file kinds: a text made
# only of these is not "English" (an English "Format" or "Start" is the German word too).
NEUTRAL_WORDS = {
    "a", "an", "in", "am", "so", "und", "die", "der", "das", "start", "test", "phase",
    "phases", "mission", "missions", "format", "design", "designs", "plan", "name", "rotor",
    "rotoren", "material", "model", "modell", "solver", "min", "max", "pack", "ah", "wh",
    "kg", "mm", "ml", "bpx", "json", "toml", "csv", "ocp", "pybamm", "dfn", "spm", "spme",
    "sortie", "dask", "layout", "transition", "segment", "showroom", "ragone", "pareto",
    "lfp", "nmc", "nca", "lco", "gr", "si", "vtol", "fpv", "isr", "eo", "ir", "uav", "c",
    "s", "p", "w", "v", "x", "m", "n", "km", "nmc811", "chen2020", "oregan2022", "export",
    "html", "status", "optimum", "minimum", "maximum", "reserve", "sprint", "details",
    "link", "upload", "download", "chemie", "zelle", "drohne", "total", "info", "parallel",
    "limit", "standard", "template", "pouch", "hexa", "quad", "sample", "nsga", "ii",
}


def _literal_text(node: ast.AST) -> str | None:
    """A string literal, or an f-string's longest literal part."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return max(parts, key=len, default=None)
    return None


def _tr_pairs() -> list[tuple[str, str]]:
    """(english, german) of every ``tr(...)`` call with literal texts in ui/ and app.py."""
    pairs = []
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(
                node.func, "attr", ""
            )
            if name != "tr":
                continue
            english, german = _literal_text(node.args[0]), _literal_text(node.args[1])
            if english:
                pairs.append((english, german or ""))
    return pairs


def _is_english(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    return any(len(w) >= 3 and w not in NEUTRAL_WORDS for w in words)


@functools.cache
def app_english_texts() -> tuple[str, ...]:
    """The app's own English texts that a German page must not show."""
    texts = {english.strip() for english, german in _tr_pairs() if english.strip() != german}
    for kind in (PresetKind.CELL, PresetKind.MISSION, PresetKind.DRONE, PresetKind.CHEMISTRY):
        for info in list_presets(kind):
            if info.name_de != info.name:
                texts.add(info.name)
            if kind is not PresetKind.CHEMISTRY:
                texts.add(info.description)
    for info in list_presets(PresetKind.MISSION):
        texts.update(phase.name for phase in load_mission(info.id).phases)
    texts.update(reason.value for reason in TerminationReason)
    texts.update(
        ["cell voltage reached the cut-off", "flew the whole profile", "While solving"]
    )
    # Whole phrases only: a lone short word ("return") is matched as a word of its own.
    return tuple(sorted(t for t in texts if t and _is_english(t)))


def english_in(text: str) -> list[str]:
    """The app's English texts that ``text`` contains (whole words)."""
    found = []
    for english in app_english_texts():
        # Not inside a word, nor a proper name such as "About:Energy".
        if re.search(rf"(?<![\w:]){re.escape(english)}(?![\w])", text):
            found.append(english)
    return found


# --- what the catalogue part checks (must pass now) ----------------------------------------


def test_the_english_list_is_read_from_the_code_and_the_presets():
    texts = app_english_texts()
    assert len(texts) > 200
    assert "Compare cells on a mission" in texts  # a tr() text
    assert "hover on station" in texts  # a preset phase
    assert "Small ISR quadcopter" in texts  # a preset drone
    assert "cell voltage reached the cut-off" in texts
    # German or neutral texts are not in it.
    assert "Showroom" not in texts and "DFN" not in texts


def test_the_check_finds_english_inside_german_sentences():
    shown = "Phase 'hover on station (Schweben)': Schwerste Phase: descent and landing"
    assert {"hover on station", "descent and landing"} <= set(english_in(shown))
    assert not english_in("Phase „Schweben über dem Einsatzort“: 28,1 min")


# --- walking every page in German ---------------------------------------------------------

# The domain's own English words as the cell designer's messages and names use them (not tr()
# texts, so the list above does not hold them): a German page shows none of them.
DOMAIN_ENGLISH = (
    "matched to", "edited", "(was", "cathode layers", "layers", "coating", "porosity",
    "particle radius", "thick", "electrode area", "fills only", "does not fit", "needs",
    "is below", "lithium plating", "jelly roll", "turns",
)
# A decimal point in a number a German page shows (not inside an id, a version or a name).
ENGLISH_NUMBER = re.compile(r"(?<![\w.\-/:])\d+\.\d+(?![\w\-/]|\.\d)")


@functools.cache
def quoted_as_published() -> tuple[str, ...]:
    """Texts a German page quotes in their original English, under a heading that says so:
    the chemistries' bibliographic references and source notes (the catalogue)."""
    from sortie.presets import chemistries

    texts = set()
    for chemistry in chemistries().values():
        texts.add(chemistry.reference)
        texts.update(chemistry.sources.values())
    return tuple(sorted(texts, key=len, reverse=True))


def english_shown(text: str) -> list[str]:
    """What in ``text`` is English: the app's English texts, the domain's English words, and
    numbers with a decimal point; quoted sources taken out first."""
    for quoted in quoted_as_published():
        text = text.replace(quoted, " ")
    found = english_in(text)
    found += [w for w in DOMAIN_ENGLISH if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text)]
    found += [f"number {m[0]}" for m in ENGLISH_NUMBER.finditer(text)]
    return found


def test_the_check_finds_domain_english_and_decimal_points():
    assert "matched to" in english_shown("LG M50 matched to 4.5 Ah")
    assert "number 4.5" in english_shown("LG M50 matched to 4.5 Ah")
    assert not english_shown("LG M50 21700 (NMC811, ORegan2022) angepasst auf 4,5 Ah")
    assert not english_shown("Parametersatz: lg-m50-21700 v1.2.toml, PyBaMM")
    reference = "Ecker, Tran, Dechent et al., J. Electrochem. Soc. 162 (2015) A1836 and A1849"
    assert not english_shown(f"**Quelle:** {reference}")


def _styled_values(frame) -> object:
    """What a dataframe shows: a pandas Styler's display values (decimal comma), else the
    data."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    arrow = frame.proto.arrow_data
    if arrow.HasField("styler") and arrow.styler.display_values:
        return convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    return frame.value


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """(element, text) of everything an AppTest run shows."""
    shown: list[tuple[str, str]] = []
    for kind in (
        "title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
        "error", "success", "exception", "latex", "code",
    ):
        for element in getattr(at, kind, []):
            shown.append((kind, str(element.value)))
    for element in at.metric:
        shown.append(("metric", f"{element.label} {element.value} {element.delta or ''}"))
    for kind in ("button", "checkbox", "toggle", "text_input", "number_input", "slider",
                 "radio", "selectbox", "multiselect", "select_slider", "date_input"):
        for element in getattr(at, kind, []):
            shown.append((kind, str(getattr(element, "label", ""))))
            for option in getattr(element, "options", []) or []:
                shown.append((f"{kind} option", str(option)))
    for element in at.expander:
        shown.append(("expander", str(element.label)))
    for element in at.tabs:
        shown.append(("tab", str(element.label)))
    for frame in at.dataframe:
        value = _styled_values(frame)
        shown.append(("dataframe header", " | ".join(map(str, value.columns))))
        for column in value.columns:
            for cell in value[column].astype(str).unique()[:200]:
                shown.append(("dataframe cell", cell))
    return shown


def _german(at: AppTest) -> AppTest:
    at.session_state["lang"] = "de"
    return at


def _render_page(module: str) -> None:
    import importlib

    importlib.import_module(module).render()


def _page(module: str) -> AppTest:
    return AppTest.from_function(_render_page, args=(module,), default_timeout=TIMEOUT_S)


def _shown(at: AppTest) -> list[tuple[str, str]]:
    """What a run shows, with an exception as a text of its own."""
    found = [("exception", str(e.value)[:160]) for e in at.exception]
    return found + _texts(at)


Walks = list[tuple[str, list[tuple[str, str]]]]


def _compare_walks() -> Walks:
    """The comparison page by a link (one cheap SPM comparison is flown), then every preset
    mission and drone selected once."""
    runs = []
    link = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    link.query_params.update(
        {"lang": "de", "mission": "quad-isr-loiter", "cell": ["lg-m50-21700"], "model": "spm"}
    )
    runs.append(("compare (flown)", _shown(link.run())))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "de"
    at.run()
    for info in list_presets(PresetKind.MISSION):
        if at.selectbox(key="mission_preset") is not None:
            at.selectbox(key="mission_preset").set_value(info.id).run()
            runs.append((f"compare, mission {info.id}", _shown(at)))
    for info in list_presets(PresetKind.DRONE):
        if at.selectbox(key="drone") is not None:
            at.selectbox(key="drone").set_value(info.id).run()
            runs.append((f"compare, drone {info.id}", _shown(at)))
    return runs


def _showroom_walks() -> Walks:
    """Every showroom scenario (each flies its cells: the verdicts are on the page)."""
    from sortie.studies.scenario import showcases

    at = _german(_page("ui.pages.showroom"))
    at.run()
    runs = [("showroom", _shown(at))]
    for show in showcases()[1:]:
        at.session_state["showcase"] = show.id
        at.run()
        runs.append((f"showroom, {show.id}", _shown(at)))
    return runs


POUCH = "nmc532-pouch-mohtat2020"


def _designer(cell_id: str) -> AppTest:
    at = _german(_page("ui.pages.cell_designer"))
    at.session_state["design-cell"] = cell_id
    return at.run()


def _set(at: AppTest, key: str, value: object) -> AppTest:
    at.number_input(key=key).set_value(value).run()
    return at


def _cell_walks() -> Walks:
    """Every preset cell selected once, then what a designer meets: a stack too thick for its
    pouch (both ways out, then a capacity match), an edited and matched wound cell, a matched
    pouch, a target that does not fit, a low N/P ratio, a stated electrode area that
    overflows, a value out of range."""
    runs = []
    for info in list_presets(PresetKind.CELL):
        cell = _german(_page("ui.pages.cell_designer"))
        cell.run()
        cell.selectbox(key="design-cell").set_value(info.id).run()
        runs.append((f"cell page, {info.id}", _shown(cell)))
    pouch = _set(_designer(POUCH), f"{POUCH}-positive_electrode_thickness_um", 72.0)
    runs.append(("cell page, pouch overflow", _shown(pouch)))
    pouch.radio(key=f"{POUCH}-stack-fix").set_value("thicker pouch").run()
    runs.append(("cell page, thicker pouch", _shown(pouch)))
    runs.append(("cell page, pouch matched", _shown(_set(pouch, f"{POUCH}-target", 5.0))))
    wound = _set(_designer("lg-m50-21700"), "lg-m50-21700-positive_electrode_thickness_um", 70.0)
    runs.append(("cell page, wound edited", _shown(wound)))
    runs.append(("cell page, wound matched", _shown(_set(wound, "lg-m50-21700-target", 4.5))))
    runs.append(("cell page, too much", _shown(_set(wound, "lg-m50-21700-target", 100.0))))
    kokam = "kokam-slpb75106100"
    matched = _set(_designer(kokam), f"{kokam}-target", 5.0)
    runs.append(("cell page, kokam matched", _shown(matched)))
    thin = _set(_designer("lg-m50-21700"), "lg-m50-21700-negative_electrode_thickness_um", 40.0)
    runs.append(("cell page, low N/P", _shown(thin)))
    area = _set(_designer("lfp-18650-2ah"), "lfp-18650-2ah-positive_electrode_thickness_um", 150.0)
    runs.append(("cell page, stated area overflows", _shown(area)))
    out = _set(_designer("lg-m50-21700"), "lg-m50-21700-positive_electrode_porosity", 0.0)
    runs.append(("cell page, out of range", _shown(out)))
    return runs


def _offenders(runs: Walks) -> list[str]:
    offenders = []
    for page, shown in runs:
        for element, text in shown:
            if element == "exception":
                offenders.append(f"{page} | exception | {text!r}")
            for english in english_shown(text):
                offenders.append(f"{page} | {element} | {english!r} in {text[:160]!r}")
    return list(dict.fromkeys(offenders))


def _assert_german(runs: Walks) -> None:
    offenders = _offenders(runs)
    assert not offenders, f"{len(offenders)} English texts on German pages:\n" + "\n".join(
        offenders
    )


def test_walk_catalogue_in_german_shows_no_english():
    _assert_german([("catalogue", _shown(_german(_page("ui.pages.catalogue")).run()))])


@pytest.mark.slow
def test_walk_cell_designer_in_german_shows_no_english():
    _assert_german(_cell_walks())


@pytest.mark.slow
def test_walk_showroom_in_german_shows_no_english():
    _assert_german(_showroom_walks())


@pytest.mark.slow
def test_walk_compare_page_in_german_shows_no_english():
    _assert_german(_compare_walks())


# A tiny SPM sweep from a file: two designs fly (tied on endurance), one cannot be built.
SPACE_SWEEP = (
    b'[base]\nmission = "quad-isr-loiter"\ncell = "lg-m50-21700"\nsettings = { model = "spm" }\n'
    b'[[dimensions]]\nfield = "cell.positive_electrode_thickness_um"\n'
    b"values = [60.5, 70.5, 2000.5]\n"
)


def _chart_texts(at: AppTest) -> list[tuple[str, str]]:
    """What the plotly charts of a run say: trace names, hover templates and texts, axis and
    colour bar titles, tick texts, and whether numbers get a decimal comma."""
    import json

    shown = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        # A number as plotly writes it on the axes and in hover texts (the walk flags "1.5").
        comma = layout.get("separators", ".,").startswith(",")
        shown.append(("chart number format", "1,5" if comma else "1.5"))
        for trace in spec.get("data", []):
            for key in ("name", "hovertemplate"):
                shown.append((f"chart {key}", str(trace.get(key, ""))))
            texts = trace.get("text")
            for text in texts if isinstance(texts, list) else [texts or ""]:
                shown.append(("chart text", str(text)))
            bar = trace.get("colorbar") or trace.get("marker", {}).get("colorbar") or {}
            shown.append(("chart colour bar", str(bar.get("title", {}).get("text", ""))))
        for name, axis in layout.items():
            if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
                shown.append(("chart axis", str(axis.get("title", {}).get("text", ""))))
                shown.extend(("chart tick", str(t)) for t in axis.get("ticktext", []))
    return shown


def _design_space_walks() -> Walks:
    """The page as it opens, an upload that is refused, then the tiny sweep run to its end
    (status, figures, ranking, the designs that did not fly), its failed design chosen."""
    import time

    at = _german(_page("ui.pages.design_space")).run()
    runs = [("design space", _shown(at))]
    at.radio(key="space_source").set_value("file").run()
    refused = b'[base]\nmission = "/etc/passwd"\n'
    at.file_uploader(key="space_file").set_value(("bad.toml", refused, "application/toml"))
    runs.append(("design space, refused file", _shown(at.run())))
    at.file_uploader(key="space_file").set_value(("sweep.toml", SPACE_SWEEP, "application/toml"))
    at.run().button(key="space_run").click().run()
    deadline = time.monotonic() + TIMEOUT_S
    while not at.session_state["space_job"].finished:
        assert time.monotonic() < deadline, "the sweep did not finish"
        runs.append(("design space, running", _shown(at)))
        time.sleep(0.5)
        at.run()
    at.run()
    runs.append(("design space, swept", _shown(at) + _chart_texts(at)))
    (box,) = [s for s in at.selectbox if s.key and s.key.startswith("space_design")]
    box.set_value(2).run()
    runs.append(("design space, failed design", _shown(at)))
    return runs


@pytest.mark.slow
def test_walk_design_space_page_in_german_shows_no_english():
    _assert_german(_design_space_walks())


def _calibrate_walks() -> Walks:
    """The Calibrate page as it opens (the shipped LG M50 set), with a cell file to come, an
    upload that is refused, then a short SPM fit to an uploaded discharge (values, each
    test's errors, the plot, the downloads)."""
    from tests.test_calibrate_page import BROKEN_CSV, FITTED, small_discharge_csv

    at = _german(_page("ui.pages.calibrate")).run()
    runs = [("calibrate", _shown(at))]
    at.radio(key="calib_base_source").set_value("file").run()
    runs.append(("calibrate, cell file to come", _shown(at)))
    at.radio(key="calib_base_source").set_value("preset").run()
    at.radio(key="calib_data").set_value("upload").run()
    runs.append(("calibrate, upload to come", _shown(at)))
    at.file_uploader(key="calib_csv").set_value(("kaputt.csv", BROKEN_CSV, "text/csv")).run()
    runs.append(("calibrate, refused file", _shown(at)))
    at.file_uploader(key="calib_csv").set_value(
        ("entladung.csv", small_discharge_csv(), "text/csv")
    ).run()
    runs.append(("calibrate, uploaded", _shown(at)))
    at.multiselect(key="calib_keys").set_value(FITTED).run()
    at.selectbox(key="calib_model").set_value("spm").run()
    at.number_input(key="calib_iterations").set_value(5).run()
    at.button(key="calib_fit").click().run()
    runs.append(("calibrate, fitted", _shown(at) + _chart_texts(at)))
    return runs


@pytest.mark.slow
def test_walk_calibrate_page_in_german_shows_no_english():
    _assert_german(_calibrate_walks())
