"""German for the domain's English messages, at the UI boundary (no Streamlit here).

The domain (``sortie/``) speaks English: one-line :class:`~sortie.errors.SortieError` s, pydantic
validation messages (through :func:`~sortie.errors.describe_validation_error`), how a run ended
(``termination_message``), warnings of a summary, fidelity and budget notes. :func:`german`
turns such a line into German with an ordered catalogue of (regular expression on the English,
German template). Messages are built from parts ("cell x: positive.porosity: Input should be
greater than 0; ..."), so a line is translated part by part: a whole-line entry first, else the
``"; "``-joined parts, each with its leading context ("cell x", a file name, a field path)
translated on its own. Captured numbers get a decimal comma; captured names of presets
(phases, missions, drones, cells) their German names. A line nothing matches stays as it is.

Group names in the patterns say what a capture is: ``n...`` a number (decimal comma), ``t...``
a text translated in turn, ``q...`` a preset's name (its German name if there is one), anything
else is kept as it is (ids, file names, field names).

Why one module of ~1,700 lines: it is one idea, a catalogue, and mostly data (the vocabulary
of field names and the ordered pattern table, tried first match wins); the order of the
entries is part of the meaning, so splitting the table would scatter what must be read in one
place. The code around it is ~150 lines.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from sortie.models.result import SOLVER_NOTE_TEXTS, SolverNote

# A number as the domain writes it: 12, -3.5, 1,000,000, 1e+308, 2.48e-05, +12.
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?"
N = rf"(?:{_NUMBER})"
# Thousands separator in German (as ui.text.i18n.number writes it).
_THOUSANDS_DE = " "


def german_number(text: str) -> str:
    """``"2.48"`` -> ``"2,48"``, ``"1,000,000"`` -> ``"1 000 000"``; anything that is not one
    number stays as it is."""
    if not re.fullmatch(_NUMBER, text):
        return text
    return text.replace(",", _THOUSANDS_DE).replace(".", ",")


def _numbers_in(text: str) -> str:
    """Every free-standing decimal number in ``text`` with a decimal comma (not inside ids,
    versions or file names such as ``lg-m50-21700`` or ``v1.2.toml``)."""
    return re.sub(
        r"(?<![\w.\-/])(-?\d+)\.(\d+)(?![\w.\-/]|\.\d)",
        lambda m: f"{m[1]},{m[2]}",
        text,
    )


# --- the vocabulary ------------------------------------------------------------------------

# Field names as the pages label them (validation messages name fields by their path).
FIELD_LABELS_DE = {
    "id": "Kennung",
    "name": "Name",
    "description": "Beschreibung",
    "name_de": "deutscher Name",
    "description_de": "deutsche Beschreibung",
    "duration_s": "Dauer [s]",
    "power_w": "Leistung [W]",
    "ambient_c": "Umgebungstemperatur [°C]",
    "distance_m": "Strecke [m]",
    "speed_m_per_s": "Geschwindigkeit [m/s]",
    "climb_rate_m_per_s": "Steigrate [m/s]",
    "altitude_change_m": "Höhenänderung [m]",
    "payload_drop_kg": "Abwurfmasse [kg]",
    "ground_altitude_m": "Geländehöhe [m]",
    "reserve_state_of_charge": "Landereserve (Ladezustand)",
    "phase": "Flugphase",
    "phases": "Phase",
    "segments": "Segment",
    "drone": "Drohne",
    "kind": "Bauart",
    "series_count": "Zellen in Reihe",
    "parallel_count": "Zellen parallel",
    "airframe_mass_kg": "Leermasse ohne Akku [kg]",
    "payload_kg": "Nutzlast [kg]",
    "avionics_power_w": "Avionikleistung [W]",
    "payload_power_w": "Nutzlastleistung [W]",
    "motor_efficiency": "Motorwirkungsgrad",
    "esc_efficiency": "Reglerwirkungsgrad",
    "cruise_speed_m_per_s": "Reisegeschwindigkeit [m/s]",
    "max_takeoff_mass_kg": "maximale Startmasse [kg]",
    "pack_mass_overhead_fraction": "Akku-Zusatzmasse (Anteil)",
    "pack_interconnect_resistance_ohm": "Verbinderwiderstand [Ω]",
    "rotors": "Rotoren",
    "rotor_count": "Rotoranzahl",
    "rotor_diameter_m": "Rotordurchmesser [m]",
    "figure_of_merit": "Gütegrad (Figure of Merit)",
    "flat_plate_area_m2": "äquivalente Widerstandsfläche [m²]",
    "tip_speed_m_per_s": "Blattspitzengeschwindigkeit [m/s]",
    "wing": "Flügel",
    "wing_area_m2": "Flügelfläche [m²]",
    "aspect_ratio": "Streckung",
    "oswald_efficiency": "Oswald-Faktor",
    "zero_lift_drag_coefficient": "Nullwiderstandsbeiwert",
    "max_lift_coefficient": "maximaler Auftriebsbeiwert",
    "propeller_efficiency": "Propellerwirkungsgrad",
    "positive": "positive Elektrode",
    "negative": "negative Elektrode",
    "separator": "Separator",
    "coating_thickness_um": "Schichtdicke [µm]",
    "thickness_um": "Dicke [µm]",
    "porosity": "Porosität",
    "active_material_volume_fraction": "Aktivmaterialanteil (Volumen)",
    "secondary_active_material_volume_fraction": "Siliziumanteil (Volumen)",
    "particle_radius_um": "Partikelradius [µm]",
    "format": "Format",
    "chemistry": "Chemie",
    "positive_foil_thickness_um": "Dicke der Aluminiumfolie [µm]",
    "negative_foil_thickness_um": "Dicke der Kupferfolie [µm]",
    "electrode_area_m2": "Elektrodenfläche [m²]",
    "cathode_layer_count": "Kathodenlagen",
    "electrode_length_mm": "Elektrodenlänge [mm]",
    "electrode_width_mm": "Elektrodenbreite [mm]",
    "jelly_roll_fill_factor": "Füllgrad des Wickels",
    "electrolyte_excess_fraction": "Elektrolytüberschuss (Anteil)",
    "diameter_mm": "Durchmesser [mm]",
    "height_mm": "Höhe [mm]",
    "length_mm": "Länge [mm]",
    "width_mm": "Breite [mm]",
    "thickness_mm": "Dicke [mm]",
    "initial_state_of_charge": "Anfangsladezustand",
    "max_temperature_c": "Temperaturgrenze [°C]",
    "heat_transfer_coefficient_w_per_m2_k": "Wärmeübergangskoeffizient [W/(m² K)]",
    "heater_power_w": "Heizleistung [W]",
    "heater_duration_s": "Heizdauer [s]",
    "time_s": "Zeit [s]",
    "sources": "Quellen",
}

# Literal context words (the leading part of "context: message").
_CONTEXT_WORDS = {
    "invalid input": "ungültige Eingabe",
    "scenario": "Szenario",
    "shared link": "geteilter Link",
    "as flown": "wie geflogen",
    "as a cell": "als Zelle",
    "not a valid BPX file": "keine gültige BPX-Datei",
    "the mission as flown": "die Mission wie geflogen",
    "time_series": "Zeitreihe",
    "Cell": "Zelle",
    "drone": "Drohne",
}
_KIND_DE = {
    "cell": "Zelle",
    "mission": "Mission",
    "drone": "Drohne",
    "chemistry": "Chemie",
    "design": "Design",
    "phase": "Phase",
    "segment": "Segment",
    "flight plan": "Flugplan",
}
# The designer's fields as describe_changes names them, as the cell page labels them.
_DESIGN_FIELDS_DE = {
    "positive coating": "Kathodenschicht",
    "negative coating": "Anodenschicht",
    "positive porosity": "Porosität Kathode",
    "negative porosity": "Porosität Anode",
    "positive particle radius": "Partikelradius Kathode",
    "negative particle radius": "Partikelradius Anode",
    "separator": "Separator",
}
_FORMAT_WORDS_DE = {"pouch": "Pouch", "cylindrical": "zylindrisch"}


def format_name_de(name: str) -> str:
    """A cell format's name in German: "pouch 56 x 52 x 6.5 mm" -> "Pouch 56 × 52 × 6,5 mm",
    "PHEV2 prismatic" -> "PHEV2 (prismatisch)"; a standard size ("21700") as it is."""
    text = re.sub(r"^(.+?) prismatic$", r"\1 (prismatisch)", name.strip())
    text = re.sub(r"\b(pouch|cylindrical)\b", lambda m: _FORMAT_WORDS_DE[m[1]], text)
    text = re.sub(r"(?<=\d) x (?=\d)", " × ", text)
    return _fill_de(text)


_AIRFRAME_DE = {"multirotor": "Multikopter", "fixed wing": "Starrflügler", "vtol": "VTOL"}
_REASON_DE = {
    "end of profile": "Mission vollständig geflogen",
    "voltage cut-off": "Entladeschlussspannung erreicht",
    "temperature limit": "Temperaturgrenze überschritten",
    "cold limit": "Zelle unter ihrer Mindesttemperatur",
    "model limit": "Gültigkeitsgrenze des Modells erreicht",
    "solver failure": "Rechnung abgebrochen (Solver)",
    "reserve": "Reserve erreicht",
    "too heavy": "zu schwer",
    "no start": "kein Start",
}


@functools.cache
def preset_names_de() -> dict[str, str]:
    """English name -> German name of every preset (missions and their phases, drones,
    cells, chemistries) and of the segments the domain makes itself."""
    from sortie.presets import loader

    found: dict[str, str] = {"pre-heat": "Vorheizen"}
    for kind in (loader.PresetKind.MISSION, loader.PresetKind.DRONE, loader.PresetKind.CELL):
        for path in loader._preset_paths(kind).values():
            data = loader.read_toml(path)
            if data.get("name_de"):
                found[str(data["name"])] = str(data["name_de"])
            for phase in data.get("phases", ()):
                if isinstance(phase, dict) and phase.get("name_de"):
                    found[str(phase["name"])] = str(phase["name_de"])
    for key, entry in loader._chemistry_entries().items():
        if entry.get("name_de"):
            found[str(entry["name"])] = str(entry["name_de"])
        fidelity = entry.get("fidelity", {})
        if fidelity.get("notes_de"):
            found[str(fidelity["notes"])] = str(fidelity["notes_de"])
        for english, german_text in zip(
            fidelity.get("caveats", ()), fidelity.get("caveats_de", ()), strict=False
        ):
            found[str(english)] = str(german_text)
        del key
    return found


def name_de(english: str) -> str:
    """The German name of a preset or a segment the domain names ("sample 3"); else
    ``english``."""
    found = preset_names_de().get(english)
    if found:
        return found
    sample = re.fullmatch(r"sample (\d+)", english)
    if sample:
        return f"Abschnitt {sample[1]}"
    return english


def field_label_de(path: str) -> str:
    """A field path (``phases.2.duration_s``) as the pages label it (``Phase 3 › Dauer [s]``);
    parts without a label stay as they are."""
    parts = path.split(".")
    shown: list[str] = []
    for part in parts:
        if part.isdigit() and shown:
            shown[-1] = f"{shown[-1]} {int(part) + 1}"
        else:
            shown.append(FIELD_LABELS_DE.get(part, part))
    return " › ".join(shown)


# --- the catalogue -----------------------------------------------------------------------

Q = r"'(?P<q{}>[^']*)'"  # a quoted name


def _q(index: int = 0) -> str:
    return Q.format(index)


_NOTE_DE = {
    SolverNote.EXTRAPOLATION: (
        "Das Modell hat während der Rechnung seinen Gültigkeitsbereich verlassen (Extrapolation "
        "einer Parametertabelle); das Ergebnis mit Vorsicht lesen."
    ),
    SolverNote.PARTIAL_SOLUTION: (
        "Der Solver hat vorzeitig angehalten und nur eine Teillösung geliefert; das Ergebnis "
        "mit Vorsicht lesen."
    ),
    SolverNote.SOLVER_WARNING: (
        "Der Solver hat während der Rechnung gewarnt; das Ergebnis mit Vorsicht lesen."
    ),
}

_FIELD = r"(?P<field>[A-Za-z_][\w.]*)"

# (English pattern, German template), tried in order; the first full match wins.
CATALOGUE: tuple[tuple[str, str], ...] = (
    # -- how a run ended (sortie.models.chain) ----------------------------------------------
    ("flew the whole profile", "Mission vollständig geflogen"),
    (
        "cell voltage reached the cut-off",
        "Die Zellspannung hat die Entladeschlussspannung erreicht",
    ),
    (
        rf"the cell at row (?P<n0>{N}), column (?P<n1>{N}) reached (?P<n2>{N}) °C in {_q()}",
        "Die Zelle in Reihe {n0}, Spalte {n1} hat in „{q0}“ {n2} °C erreicht",
    ),
    (
        rf"the cell at row (?P<n0>{N}), column (?P<n1>{N}) was at (?P<n2>{N}) °C in {_q()}, "
        rf"below its minimum discharge temperature (?P<n3>{N}) °C: pre-heat the pack or start "
        "warmer",
        "Die Zelle in Reihe {n0}, Spalte {n1} hatte in „{q0}“ {n2} °C, unter ihrer minimalen "
        "Entladetemperatur von {n3} °C: den Akku vorheizen oder wärmer starten",
    ),
    (
        r"the model reached a limit of validity \((?P<event>.*)\)",
        "Das Modell hat eine Gültigkeitsgrenze erreicht ({event})",
    ),
    (
        rf"the solver failed at (?P<n0>{N}) s: (?P<tdetail>.*?)"
        r"(?P<hint>; SPMe is fragile under power control at high rates, DFN is more robust)?",
        "Der Solver ist bei {n0} s abgebrochen: {tdetail}{hint}",
    ),
    (
        r"the solver failed at the start: (?P<tdetail>.*?)"
        r"(?P<hint>; SPMe is fragile under power control at high rates, DFN is more robust)?",
        "Der Solver ist gleich zu Beginn abgebrochen: {tdetail}{hint}",
    ),
    ("no message", "keine Meldung"),
    ("no consistent initial state", "kein konsistenter Anfangszustand"),
    (
        rf"flew the whole profile but landed with (?P<n0>{N}) % state of charge, below the "
        rf"(?P<n1>{N}) % reserve",
        "Mission vollständig geflogen, aber mit {n0} % Ladezustand gelandet, unter der Reserve "
        "von {n1} %",
    ),
    (
        rf"(?P<qcell>.+) cannot start {_q()}: (?P<n0>{N}) W per cell \((?P<n1>{N}) W over "
        rf"(?P<n2>{N}) cells\) at (?P<n3>{N}) °C and (?P<n4>{N}) % state of charge is more than "
        r"it can give \(too much power, too cold or too empty; (?P<twhy>.*)\)",
        "{qcell} kann „{q0}“ nicht beginnen: {n0} W pro Zelle ({n1} W auf {n2} Zellen) bei "
        "{n3} °C und {n4} % Ladezustand sind mehr, als sie liefern kann (zu viel Leistung, zu "
        "kalt oder zu leer; {twhy})",
    ),
    (rf"{_q()} is reached at once", "„{q0}“ wird sofort erreicht"),
    (rf"{_q()} is reached at the start", "„{q0}“ wird schon zu Beginn erreicht"),
    # -- warnings of a summary (sortie.models.chain, sortie.cells.budget, chemistry) ---------
    (
        r"SPM underestimates self-heating \(~40 % at 2C\): use DFN for thermal verdicts",
        "SPM unterschätzt die Eigenerwärmung (um etwa 40 % bei 2C): für thermische Urteile DFN "
        "verwenden",
    ),
    (
        rf"the electrode balance gives (?P<n0>{N}) Ah between the cut-offs, (?P<n1>{N}) % "
        rf"against the geometry estimate \((?P<n2>{N}) Ah\)",
        "Die Elektrodenbilanz ergibt {n0} Ah zwischen den Spannungsgrenzen, {n1} % gegenüber der "
        "Schätzung aus der Geometrie ({n2} Ah)",
    ),
    ("states of charge use the balance", "Ladezustände beruhen auf der Bilanz"),
    (
        rf"N/P ratio (?P<n0>{N}) is below (?P<n1>{N}): the negative electrode limits capacity "
        "and lithium plating is likely on charge",
        "N/P-Verhältnis {n0} liegt unter {n1}: Die negative Elektrode begrenzt die Kapazität, "
        "beim Laden ist Lithium-Plating wahrscheinlich",
    ),
    (
        "no temperature dependence in transport: cold missions look too good",
        "Transportgrößen ohne Temperaturabhängigkeit: Kalte Missionen sehen zu gut aus",
    ),
    (
        "thermal data supplied from the literature, not from the parameter set",
        "Thermische Daten aus der Literatur ergänzt, nicht aus dem Parametersatz",
    ),
    (
        "scaled from a lab cell to a commercial format",
        "Von einer Laborzelle auf ein kommerzielles Format hochskaliert",
    ),
    *(
        (re.escape(text), _NOTE_DE[note])
        for note, text in SOLVER_NOTE_TEXTS.items()
    ),
    # PyBaMM's own texts, should an old saved view still carry them.
    (r"While solving .* extrapolation occurred for .*", _NOTE_DE[SolverNote.EXTRAPOLATION]),
    # -- pydantic's standard messages -------------------------------------------------------
    (rf"Input should be greater than (?P<n0>{N})", "muss größer als {n0} sein"),
    (
        rf"Input should be greater than or equal to (?P<n0>{N})",
        "muss größer oder gleich {n0} sein",
    ),
    (rf"Input should be less than (?P<n0>{N})", "muss kleiner als {n0} sein"),
    (rf"Input should be less than or equal to (?P<n0>{N})", "muss kleiner oder gleich {n0} sein"),
    (rf"must be greater than (?P<n0>{N})", "muss größer als {n0} sein"),
    (rf"must be greater than or equal to (?P<n0>{N})", "muss größer oder gleich {n0} sein"),
    (rf"must be less than (?P<n0>{N})", "muss kleiner als {n0} sein"),
    (rf"must be less than or equal to (?P<n0>{N})", "muss kleiner oder gleich {n0} sein"),
    ("Input should be a finite number", "muss eine endliche Zahl sein"),
    ("nan is not a number", "nan ist keine Zahl"),
    (r"(?P<value>\S+) is not a finite number", "{value} ist keine endliche Zahl"),
    ("Field required", "fehlt (Pflichtfeld)"),
    ("Extra inputs are not permitted", "ist hier kein bekanntes Feld"),
    ("Unexpected keyword argument", "ist hier kein bekanntes Feld"),
    (
        "Input should be a valid number, unable to parse string as a number",
        "muss eine Zahl sein (der Text ist keine Zahl)",
    ),
    ("Input should be a valid number", "muss eine Zahl sein"),
    (
        "Input should be a valid integer, got a number with a fractional part",
        "muss eine ganze Zahl sein (ohne Nachkommastellen)",
    ),
    (
        "Input should be a valid integer, unable to parse string as an integer",
        "muss eine ganze Zahl sein (der Text ist keine ganze Zahl)",
    ),
    ("Input should be a valid integer", "muss eine ganze Zahl sein"),
    ("Input should be a valid string", "muss ein Text sein"),
    (
        "Input should be a valid boolean, unable to interpret input",
        "muss wahr oder falsch sein (true/false)",
    ),
    ("Input should be a valid boolean", "muss wahr oder falsch sein (true/false)"),
    ("Input should be a valid dictionary", "muss eine Tabelle sein"),
    (r"Input should be a valid (?:tuple|list|array)", "muss eine Liste sein"),
    (
        r"Input should be a (?:valid )?dictionary or (?:an )?instance of (?P<cls>\w+)",
        "muss eine Tabelle sein ({cls})",
    ),
    (r"Input should be (?P<options>'.*')", "muss einer dieser Werte sein: {options}"),
    (
        rf"String should have at most (?P<n0>{N}) characters?",
        "darf höchstens {n0} Zeichen lang sein",
    ),
    (
        rf"String should have at least (?P<n0>{N}) characters?",
        "muss mindestens {n0} Zeichen lang sein",
    ),
    (r"String should match pattern '(?P<pattern>.*)'", "muss dem Muster '{pattern}' entsprechen"),
    (
        rf"(?:List|Tuple) should have at most (?P<n0>{N}) items? after validation, "
        rf"not (?P<n1>{N})",
        "darf höchstens {n0} Einträge haben, nicht {n1}",
    ),
    (
        rf"(?:List|Tuple) should have at least (?P<n0>{N}) items? after validation, "
        rf"not (?P<n1>{N})",
        "muss mindestens {n0} Einträge haben, nicht {n1}",
    ),
    (
        r"Input tag '(?P<tag>.*)' found using '(?P<key>.*)' does not match any of the expected "
        r"tags: (?P<tags>.*)",
        "„{tag}“ in '{key}' ist keiner der erwarteten Werte: {tags}",
    ),
    (
        r"Unable to extract tag using discriminator '(?P<key>.*)'",
        "'{key}' fehlt (es sagt, welche Art gemeint ist)",
    ),
    # -- presets and files (sortie.presets.loader, sortie.files) ----------------------------
    (
        r"unknown (?P<kind>cell|mission|drone|chemistry) '(?P<ref>.*)' \(presets: (?P<known>.*);"
        r" or give a \.toml file\)",
        "unbekannte {kind:kind} „{ref}“ (Vorlagen: {known}; oder eine .toml-Datei angeben)",
    ),
    (
        r"unknown chemistry '(?P<ref>.*)' \(catalogue: (?P<known>.*)\)",
        "unbekannte Chemie „{ref}“ (Katalog: {known})",
    ),
    (
        r"(?P<kind>cell|mission|drone|chemistry) (?P<ref>.*) is not a preset \(presets only "
        r"here\)",
        "{kind:kind} {ref} ist keine Vorlage (hier nur Vorlagen)",
    ),
    (r"malformed TOML: not UTF-8 text \(byte (?P<n0>\d+)\)", "fehlerhaftes TOML: kein UTF-8-Text "
     "(Byte {n0})"),
    (
        r"malformed TOML: .*? \(at line (?P<line>\d+), column (?P<column>\d+)\)",
        "fehlerhaftes TOML: Syntaxfehler in Zeile {line}, Spalte {column}",
    ),
    (
        r"malformed TOML: .*? \(at end of document\)",
        "fehlerhaftes TOML: Syntaxfehler am Ende des Dokuments",
    ),
    (r"malformed TOML: .*", "fehlerhaftes TOML: Syntaxfehler"),
    (rf"too large \(limit (?P<n0>{N}) bytes\)", "zu groß (Grenze {n0} Bytes)"),
    (
        rf"nested more than (?P<n0>{N}) levels deep",
        "mehr als {n0} Ebenen tief verschachtelt",
    ),
    (
        r"bpx_file must name a \.json file in presets/data/bpx/",
        "bpx_file muss eine .json-Datei in presets/data/bpx/ nennen",
    ),
    ("template_of must name a cell preset", "template_of muss eine Zellvorlage nennen"),
    (
        r"\[changes\] must be a table of field = value",
        "[changes] muss eine Tabelle aus Feld = Wert sein",
    ),
    (
        r"unknown format '(?P<fmt>.*)' \(standard: (?P<known>[^;]*)(?P<table>; or give a "
        r"\[format\] table)?\)",
        "unbekanntes Format „{fmt}“ (Standard: {known}{table})",
    ),
    (
        r"no chemistry: a cell file names one \(sortie list chemistry\)",
        "keine Chemie: Eine Zelldatei muss eine Chemie nennen",
    ),
    (
        r"give \[\[phases\]\] or power segments, not both",
        "entweder [[phases]] oder Leistungssegmente angeben, nicht beides",
    ),
    (
        r"give either \[\[segments\]\] or \[time_series\], not both",
        "entweder [[segments]] oder [time_series] angeben, nicht beides",
    ),
    (
        r"\[time_series\] needs exactly time_s and power_w lists",
        "[time_series] braucht genau die Listen time_s und power_w",
    ),
    ("file not found", "Datei nicht gefunden"),
    (r"cannot read the file \((?P<detail>.*)\)", "Datei nicht lesbar ({detail})"),
    (
        r"not a regular file \(only regular files are read\)",
        "keine normale Datei (nur normale Dateien werden gelesen)",
    ),
    (
        rf"file too large \((?P<size>.*?); at most (?P<n0>{N}) bytes\)",
        "Datei zu groß ({size:bytes}; höchstens {n0} Bytes)",
    ),
    ("more than that", "mehr als das"),
    (r"not UTF-8 text", "kein UTF-8-Text"),
    (
        rf"(?P<n0>{N}) bytes is too large \(limit (?P<n1>{N})\)",
        "{n0} Bytes sind zu groß (Grenze {n1})",
    ),
    # -- missions and flight plans ----------------------------------------------------------
    ("a mission needs at least one segment", "Eine Mission braucht mindestens ein Segment"),
    (rf"(?P<n0>{N}) segments; at most (?P<n1>{N})", "{n0} Segmente; höchstens {n1}"),
    ("mission longer than a week", "Mission länger als eine Woche"),
    (
        "time_s and power_w need the same length, at least 2 samples",
        "time_s und power_w müssen gleich lang sein, mindestens 2 Werte",
    ),
    ("time_s must be strictly increasing", "time_s muss streng ansteigen"),
    ("a flight plan needs at least one phase", "Ein Flugplan braucht mindestens eine Phase"),
    (rf"(?P<n0>{N}) phases; at most (?P<n1>{N})", "{n0} Phasen; höchstens {n1}"),
    (
        r"give exactly one of duration_s, distance_m \(with a speed\) or altitude_change_m "
        r"\(with climb_rate_m_per_s\)",
        "genau eines angeben: Dauer (duration_s), Strecke (distance_m, mit Geschwindigkeit) "
        "oder Höhenänderung (altitude_change_m, mit Steigrate climb_rate_m_per_s)",
    ),
    (
        "distance_m needs a speed_m_per_s above 0",
        "eine Strecke (distance_m) braucht eine Geschwindigkeit (speed_m_per_s) über 0",
    ),
    (
        "altitude_change_m needs a climb_rate_m_per_s",
        "eine Höhenänderung (altitude_change_m) braucht eine Steigrate (climb_rate_m_per_s)",
    ),
    (
        "altitude_change_m and climb_rate_m_per_s differ in sign",
        "Höhenänderung (altitude_change_m) und Steigrate (climb_rate_m_per_s) haben "
        "verschiedene Vorzeichen",
    ),
    (
        r"give speed_m_per_s \(the drone has no cruise speed\)",
        "Geschwindigkeit (speed_m_per_s) angeben (die Drohne hat keine Reisegeschwindigkeit)",
    ),
    (
        rf"(?P<n0>{N}) m/s is below (?P<n1>{N}) x the stall speed \((?P<n2>{N}) m/s at "
        rf"(?P<n3>{N}) kg\)",
        "{n0} m/s liegt unter dem {n1}-Fachen der Überziehgeschwindigkeit ({n2} m/s bei {n3} kg)",
    ),
    ("a fixed wing cannot hover", "Ein Starrflügler kann nicht schweben"),
    (
        rf"drops (?P<n0>{N}) kg but carries (?P<n1>{N}) kg of payload",
        "wirft {n0} kg ab, trägt aber nur {n1} kg Nutzlast",
    ),
    (
        rf"take-off mass (?P<n0>{N}) kg exceeds the drone's maximum (?P<n1>{N}) kg "
        rf"\((?P<pack>\w+) of (?P<qcell>.+): (?P<n2>{N}) kg\)",
        "Startmasse {n0} kg übersteigt das Maximum der Drohne von {n1} kg ({pack} aus {qcell}: "
        "{n2} kg)",
    ),
    (
        rf"take-off mass (?P<n0>{N}) kg exceeds the drone's maximum (?P<n1>{N}) kg",
        "Startmasse {n0} kg übersteigt das Maximum der Drohne von {n1} kg",
    ),
    (
        r"flight plan '(?P<id>.*)' needs a drone to turn phases into power",
        "Flugplan „{id}“ braucht eine Drohne, um Phasen in Leistung umzurechnen",
    ),
    (
        rf"descent at (?P<n0>{N}) m/s is faster than 2 x the hover induced velocity "
        rf"\((?P<n1>{N}) m/s\): not modelled \(windmill brake state\)",
        "Sinkflug mit {n0} m/s ist schneller als die doppelte induzierte Geschwindigkeit im "
        "Schwebeflug ({n1} m/s): nicht modelliert (Windmühlenbremszustand)",
    ),
    (
        rf"air temperature (?P<n0>{N}) °C is outside -90\.\.70 °C",
        "Lufttemperatur {n0} °C liegt außerhalb von -90..70 °C",
    ),
    (
        rf"altitude (?P<n0>{N}) m is outside -500\.\.11000 m \(troposphere\)",
        "Höhe {n0} m liegt außerhalb von -500..11000 m (Troposphäre)",
    ),
    (
        r"a (?P<airframe>multirotor|fixed wing|vtol) drone needs a \[rotors\] table",
        "eine Drohne der Bauart {airframe:airframe} braucht eine Tabelle [rotors]",
    ),
    (
        r"a (?P<airframe>multirotor|fixed wing|vtol) drone needs a \[wing\] table",
        "eine Drohne der Bauart {airframe:airframe} braucht eine Tabelle [wing]",
    ),
    (
        r"a (?P<airframe>multirotor|fixed wing|vtol) drone needs cruise_speed_m_per_s",
        "eine Drohne der Bauart {airframe:airframe} braucht eine Reisegeschwindigkeit "
        "(cruise_speed_m_per_s)",
    ),
    (
        rf"segment {_q()} asks (?P<n0>{N}) W of (?P<n1>{N}) cells = (?P<n2>{N}) W per cell; a "
        rf"(?P<n3>{N}) Wh (?P<qcell>.+) cannot deliver more than about (?P<n4>{N}) W: "
        r"(?P<advice>.*)",
        "Segment „{q0}“ verlangt {n0} W von {n1} Zellen = {n2} W pro Zelle; eine {qcell} mit "
        "{n3} Wh liefert höchstens etwa {n4} W: {advice:advice}",
    ),
    (
        rf"the cells start at (?P<n0>{N}) °C, at or above the temperature limit (?P<n1>{N}) °C: "
        "raise the limit or start colder",
        "Die Zellen starten mit {n0} °C, auf oder über der Temperaturgrenze von {n1} °C: die "
        "Grenze anheben oder kälter starten",
    ),
    # -- flight logs ------------------------------------------------------------------------
    (
        "time_s and power_w need the same length, at least 2",
        "time_s und power_w müssen gleich lang sein, mindestens 2 Werte",
    ),
    ("times and powers must be finite", "Zeiten und Leistungen müssen endlich sein"),
    (
        "time_s must start at 0 and increase strictly",
        "time_s muss bei 0 beginnen und streng ansteigen",
    ),
    ("power_w must not be negative", "power_w darf nicht negativ sein"),
    (
        r"empty file \(no header row, no data\)",
        "leere Datei (keine Kopfzeile, keine Daten)",
    ),
    (
        rf"(?P<n0>{N}) data row\(s\); a flight log needs at least 2 samples",
        "{n0} Datenzeile(n); ein Flugprotokoll braucht mindestens 2 Werte",
    ),
    (
        rf"(?P<n0>{N}) distinct time stamp\(s\); a flight log needs at least 2",
        "{n0} verschiedene Zeitstempel; ein Flugprotokoll braucht mindestens 2",
    ),
    (
        rf"too many rows \(more than (?P<n0>{N})\); resample the log first",
        "zu viele Zeilen (mehr als {n0}); das Protokoll zuerst neu abtasten",
    ),
    (
        r"a quoted field spans several lines; one row per line please",
        "ein Feld in Anführungszeichen reicht über mehrere Zeilen; bitte eine Zeile pro Datensatz",
    ),
    (
        rf"time goes backwards \((?P<n0>{N}) (?P<unit>\S+) after (?P<n1>{N}) (?P=unit)\)",
        "die Zeit läuft rückwärts ({n0} {unit} nach {n1} {unit})",
    ),
    (r"power \((?P<origin>.*)\) is not finite", "Leistung ({origin}) ist nicht endlich"),
    (
        rf"negative power (?P<n0>{N}) W; regeneration \(charging in flight\) is not "
        r"supported(?P<flip>; most rows are negative: if the log counts discharge as negative, "
        r"flip the sign)?",
        "negative Leistung {n0} W; Rekuperation (Laden im Flug) wird nicht unterstützt"
        "{flip:flip}",
    ),
    (
        rf"file too large \((?P<n0>{N}) bytes; at most (?P<n1>{N})\): shorten the log or drop "
        "columns",
        "Datei zu groß ({n0} Bytes; höchstens {n1}): das Protokoll kürzen oder Spalten "
        "weglassen",
    ),
    (
        r"not UTF-8 text \(byte 0x(?P<byte>\w+) at offset (?P<n0>\d+)\); save the log as a "
        "UTF-8 CSV",
        "kein UTF-8-Text (Byte 0x{byte} an Stelle {n0}); das Protokoll als UTF-8-CSV speichern",
    ),
    (
        r"two (?P<quantity>\w+) columns \((?P<names>.*)\); keep one",
        "zwei Spalten für {quantity} ({names}); eine behalten",
    ),
    ("the log's time span is too large to handle", "Die Zeitspanne des Protokolls ist zu groß"),
    (
        rf"bin size must be positive, got (?P<n0>{N}) s",
        "Intervall muss positiv sein, nicht {n0} s",
    ),
    (
        rf"the log spans (?P<n0>{N}) s, longer than a mission may be \((?P<n1>{N}) s, a week\)",
        "Das Protokoll umfasst {n0} s, länger als eine Mission sein darf ({n1} s, eine Woche)",
    ),
    (
        rf"(?P<n0>{N}) s of log in (?P<n1>{N}) s bins needs (?P<n2>{N}) segments, more than the "
        rf"(?P<n3>{N}) a mission may have; use bins of at least (?P<n4>{N}) s",
        "{n0} s Protokoll in Intervallen von {n1} s ergeben {n2} Segmente, mehr als die {n3}, "
        "die eine Mission haben darf; Intervalle von mindestens {n4} s wählen",
    ),
    # -- cells ------------------------------------------------------------------------------
    (
        rf"porosity \+ active_material_volume_fraction = (?P<n0>{N}) is above 1",
        "Porosität + Aktivmaterialanteil = {n0} liegt über 1",
    ),
    (
        "secondary_active_material_volume_fraction must be below the active fraction",
        "der Siliziumanteil (secondary_active_material_volume_fraction) muss unter dem "
        "Aktivmaterialanteil liegen",
    ),
    ("mandrel_diameter_mm does not fit inside the can", "Der Wickeldorn passt nicht in den Becher"),
    ("headspace_mm leaves no room for the jelly roll", "Der Kopfraum lässt keinen Platz für den "
     "Wickel"),
    (
        "can_wall_thickness_mm leaves no room inside the can",
        "Die Wandstärke des Bechers lässt innen keinen Platz",
    ),
    (
        "a stacked cell needs cathode_layer_count, electrode_length_mm and electrode_width_mm "
        "together",
        "eine gestapelte Zelle braucht Kathodenlagen, Elektrodenlänge und Elektrodenbreite "
        "zusammen",
    ),
    (
        rf"the electrode stack \((?P<n0>{N}) ml\) does not fit in the (?P<fmt>.*) format "
        rf"\((?P<n1>{N}) ml free\)",
        "Der Elektrodenstapel ({n0} ml) passt nicht in das Format {fmt:format} ({n1} ml frei)",
    ),
    (
        r"a pouch cell needs cathode_layer_count \(or electrode_area_m2\)",
        "eine Pouchzelle braucht die Zahl der Kathodenlagen (oder die Elektrodenfläche)",
    ),
    (
        rf"electrodes of (?P<n0>{N}) x (?P<n1>{N}) mm do not fit the (?P<n2>{N}) x (?P<n3>{N}) "
        "mm pouch",
        "Elektroden von {n0} × {n1} mm passen nicht in die Pouchzelle von {n2} × {n3} mm",
    ),
    (
        rf"(?P<n0>{N}) layers make a (?P<n1>{N}) mm stack; the pouch has (?P<n2>{N}) mm inside",
        "{n0} Lagen ergeben einen Stapel von {n1} mm; die Pouchzelle hat innen {n2} mm",
    ),
    (
        "layer counts are for pouch cells; wound cells fill their can",
        "Lagenzahlen gelten für Pouchzellen; gewickelte Zellen füllen ihren Becher",
    ),
    (
        r"(?P<chem>\S+) has one negative phase: (?:negative\.)?"
        "secondary_active_material_volume_fraction must be 0",
        "{chem} hat eine einphasige negative Elektrode: der Siliziumanteil muss 0 sein",
    ),
    (
        r"cell (?P<id>\S+) names chemistry (?P<a>.*), but (?P<b>.*) was given",
        "Zelle {id} nennt die Chemie {a}, angegeben wurde aber {b}",
    ),
    (
        "positive_stoichiometry_at_empty must exceed ..._at_full",
        "positive_stoichiometry_at_empty muss größer als ..._at_full sein",
    ),
    (
        "a secondary negative phase needs both its concentration and density",
        "eine zweite Phase der negativen Elektrode braucht Konzentration und Dichte",
    ),
    ("the target capacity must be positive", "Die Zielkapazität muss positiv sein"),
    (
        rf"(?P<n0>{N}) Ah fills only (?P<n1>{N})% of the (?P<fmt>.*) can: choose a smaller "
        "format",
        "{n0} Ah füllen nur {n1} % des Bechers {fmt:format}: ein kleineres Format wählen",
    ),
    (
        rf"(?P<n0>{N}) Ah needs (?P<n1>{N})% of the (?P<fmt>.*) can for this electrode design: "
        "use thicker electrodes or a larger format",
        "{n0} Ah brauchen {n1} % des Bechers {fmt:format} für dieses Elektrodendesign: dickere "
        "Elektroden oder ein größeres Format wählen",
    ),
    (
        rf"(?P<n0>{N}) Ah needs (?P<n1>{N}) times the (?P<fmt>.*) can for this electrode "
        "design: use thicker electrodes or a larger format",
        "{n0} Ah brauchen das {n1}-Fache des Bechers {fmt:format} für dieses Elektrodendesign: "
        "dickere Elektroden oder ein größeres Format wählen",
    ),
    (
        rf"(?P<n0>{N}) Ah does not fit: (?P<tdetail>.*)",
        "{n0} Ah passen nicht: {tdetail}",
    ),
    (
        rf"(?P<n0>{N}) Ah: the nearest whole layer count gives (?P<n1>{N}) Ah",
        "{n0} Ah: Die nächste ganze Lagenzahl ergibt {n1} Ah",
    ),
    (
        rf"pack mass (?P<n0>{N}) kg is less than its (?P<n1>{N}) cells weigh \((?P<n2>{N}) kg at "
        rf"(?P<n3>{N}) g each\): check the pack's layout, the cell or the pinned mass",
        "Akkumasse {n0} kg ist kleiner als das Gewicht seiner {n1} Zellen ({n2} kg zu je {n3} g): "
        "Anordnung, Zelle oder festgelegte Masse prüfen",
    ),
    ("give both rows and columns, or neither", "Reihen und Spalten beide angeben oder keines"),
    (
        rf"a (?P<n0>{N}) x (?P<n1>{N}) layout holds (?P<n2>{N}) cells, not (?P<n3>{N})",
        "eine Anordnung {n0} × {n1} fasst {n2} Zellen, nicht {n3}",
    ),
    (
        rf"the negative electrode is full at 100 % charge \(lithiated to (?P<n0>{N}), N/P "
        rf"(?P<n1>{N})\): it cannot take the lithium this positive electrode brings \(plating "
        r"on charge\); (?P<advice>.*)",
        "Die negative Elektrode ist bei 100 % Ladung voll (lithiiert bis {n0}, N/P {n1}): Sie "
        "kann das Lithium dieser positiven Elektrode nicht aufnehmen (Plating beim Laden); "
        "{advice:advice}",
    ),
    (
        rf"this design's electrode balance has no solution between the cut-off voltages \(N/P "
        rf"(?P<n0>{N})\): (?P<detail>.*)",
        "Die Elektrodenbilanz dieses Designs hat keine Lösung zwischen den Spannungsgrenzen "
        "(N/P {n0}): {detail}",
    ),
    (
        r"a cell of a BPX file cannot be saved as a cell file; keep the BPX file",
        "Eine Zelle aus einer BPX-Datei lässt sich nicht als Zelldatei speichern; die BPX-Datei "
        "behalten",
    ),
    # -- BPX files --------------------------------------------------------------------------
    ("file is empty", "Datei ist leer"),
    (
        r"not a BPX document \(the top level must be a JSON object\)",
        "kein BPX-Dokument (die oberste Ebene muss ein JSON-Objekt sein)",
    ),
    (
        r"not a UTF-8 text file \(invalid byte at position (?P<n0>\d+)\)",
        "keine UTF-8-Textdatei (ungültiges Byte an Stelle {n0})",
    ),
    (r"not valid JSON \((?P<detail>.*)\)", "kein gültiges JSON ({detail})"),
    (
        r"is a (?P<model>.*) parameter set; Sortie needs a full parameterisation \(Header Model "
        r"(?P<models>.*)\)",
        "ist ein {model}-Parametersatz; Sortie braucht eine vollständige Parametrierung "
        "(Header Model {models})",
    ),
    (
        rf"lower voltage cut-off (?P<n0>{N}) V is not below (?P<n1>{N}) V",
        "untere Spannungsgrenze {n0} V liegt nicht unter {n1} V",
    ),
    ("section is missing", "Abschnitt fehlt"),
    (r"expected a section \(JSON object\)", "Abschnitt (JSON-Objekt) erwartet"),
    ("value is missing", "Wert fehlt"),
    (r"expected a number, not (?P<type>\w+)", "Zahl erwartet, nicht {type}"),
    (rf"(?P<n0>{N}) must be above 0", "{n0} muss über 0 liegen"),
    (
        rf"(?P<n0>{N}) is outside (?P<n1>{N}), (?P<n2>{N})",
        "{n0} liegt außerhalb von {n1}, {n2}",
    ),
    (rf"(?P<n0>{N}) is not a whole number from 1 up", "{n0} ist keine ganze Zahl ab 1"),
    ("expected one entry per material", "ein Eintrag pro Material erwartet"),
    (
        rf"(?P<n0>{N}) materials; PyBaMM supports at most (?P<n1>{N})",
        "{n0} Materialien; PyBaMM kann höchstens {n1}",
    ),
    (
        rf"minimum stoichiometry (?P<n0>{N}) is not below (?P<n1>{N})",
        "minimale Stöchiometrie {n0} liegt nicht unter {n1}",
    ),
    (
        r"blended electrodes are not supported yet",
        "Elektroden aus Materialmischungen werden noch nicht unterstützt",
    ),
    (
        r"the Cell section needs 'Volume \[m3\]' for the mass budget",
        "der Abschnitt Cell braucht 'Volume [m3]' für die Massenbilanz",
    ),
    ("no nominal voltage", "keine Nennspannung"),
    (
        r"the OCP formulas do not give a cell voltage within 0\.5\.\.5\.5 V",
        "die OCP-Formeln ergeben keine Zellspannung im Bereich 0,5..5,5 V",
    ),
    (
        "OCP must be a formula, a table or a number",
        "OCP muss eine Formel, eine Tabelle oder eine Zahl sein",
    ),
    (
        r"an OCP formula cannot be evaluated at its stoichiometry limits \((?P<detail>.*)\)",
        "eine OCP-Formel lässt sich an ihren Stöchiometriegrenzen nicht auswerten ({detail})",
    ),
    (
        rf"took longer than (?P<n0>{N}) s to parse \(the time limit\); the file was not used",
        "das Einlesen dauerte länger als {n0} s (die Zeitgrenze); die Datei wurde nicht verwendet",
    ),
    (
        r"the BPX parser process gave no readable result",
        "der BPX-Leseprozess lieferte kein lesbares Ergebnis",
    ),
    (r"the BPX parser process (?P<how>.*)", "der BPX-Leseprozess ist fehlgeschlagen ({how})"),
    (rf"file is larger than (?P<n0>{N}) bytes", "Datei ist größer als {n0} Bytes"),
    (r"text longer than (?P<n0>\d+) characters", "Text länger als {n0} Zeichen"),
    (r"unexpected value of type (?P<type>\w+)", "unerwarteter Wert vom Typ {type}"),
    ("a formula must be text", "eine Formel muss ein Text sein"),
    ("formula is empty", "Formel ist leer"),
    (
        rf"formula is (?P<n0>{N}) characters long; the limit is (?P<n1>{N})",
        "Formel ist {n0} Zeichen lang; die Grenze ist {n1}",
    ),
    (
        rf"formula is nested more than (?P<n0>{N}) levels deep",
        "Formel ist mehr als {n0} Ebenen tief verschachtelt",
    ),
    (r"not a valid formula \((?P<detail>.*)\)", "keine gültige Formel ({detail})"),
    (
        r"character (?P<char>.*) is not allowed in a formula",
        "Zeichen {char} ist in einer Formel nicht erlaubt",
    ),
    (
        r"only calls of (?P<names>.*) are allowed, not (?P<call>.*)",
        "nur Aufrufe von {names} sind erlaubt, nicht {call}",
    ),
    (
        r"attribute access '(?P<attr>.*)' is not allowed",
        "Attributzugriff '{attr}' ist nicht erlaubt",
    ),
    (r"subscripts '\[\.\.\.\]' are not allowed", "Indizes '[...]' sind nicht erlaubt"),
    (
        r"operator in (?P<seg>.*) is not allowed \(only \+ - \* / \*\* are\)",
        "Operator in {seg} ist nicht erlaubt (nur + - * / **)",
    ),
    (r"(?P<seg>.*) overflows \(it cannot be evaluated\)", "{seg} läuft über (nicht auswertbar)"),
    (r"integer power (?P<seg>.*) is too large", "ganzzahlige Potenz {seg} ist zu groß"),
    (r"(?P<seg>.*) is a complex number", "{seg} ist eine komplexe Zahl"),
    (r"number (?P<seg>.*) is too large", "Zahl {seg} ist zu groß"),
    (
        r"constant (?P<name>.*) is not allowed \(numbers only\)",
        "Konstante {name} ist nicht erlaubt (nur Zahlen)",
    ),
    (
        r"function '(?P<name>.*)' must be called, e\.g\. (?P<example>.*)",
        "Funktion „{name}“ muss aufgerufen werden, z. B. {example}",
    ),
    (
        r"(?P<name>\w+)\(\) takes exactly one positional argument",
        "{name}() nimmt genau ein Argument",
    ),
    # -- the cell designer's changes (sortie.cells.design_edits.describe_changes) ----------
    (
        rf"(?P<field>{'|'.join(_DESIGN_FIELDS_DE)}) (?P<n0>{N})(?P<unit> µm)? "
        rf"\(was (?P<n1>{N})(?: µm)?\)",
        "{field:design_field} {n0}{unit} (vorher {n1}{unit})",
    ),
    (
        rf"(?P<n0>{N}) cathode layers \(was (?P<n1>{N})\)",
        "{n0} Kathodenlagen (vorher {n1})",
    ),
    (
        rf"electrode area (?P<n0>{N}) m² \(was (?P<n1>{N}) m²\)",
        "Elektrodenfläche {n0} m² (vorher {n1} m²)",
    ),
    (
        rf"electrode area (?P<n0>{N}) m² \(was filling it\)",
        "Elektrodenfläche {n0} m² (vorher füllte der Wickel den Becher)",
    ),
    (
        rf"pouch (?P<n0>{N}) mm thick \(was (?P<n1>{N}) mm\)",
        "Pouch {n0} mm dick (vorher {n1} mm)",
    ),
    ("changes to the design", "Änderungen am Design"),
    # -- flight logs read with notes (sortie.models.flight_log_csv) -------------------------
    (
        rf"1 repeated time stamp merged \(first at (?P<n1>{N}) (?P<unit>\S+)\): the rows of each "
        "became one sample, keeping the log's energy",
        "1 wiederholter Zeitstempel zusammengefasst (bei {n1} {unit}): Seine Zeilen wurden zu "
        "einem Wert, die Energie des Protokolls bleibt erhalten",
    ),
    (
        rf"(?P<n0>{N}) repeated time stamps? merged \(first at (?P<n1>{N}) (?P<unit>\S+)\): the "
        "rows of each became one sample, keeping the log's energy",
        "{n0} wiederholte Zeitstempel zusammengefasst (erster bei {n1} {unit}): Die Zeilen "
        "jedes Zeitstempels wurden zu einem Wert, die Energie des Protokolls bleibt erhalten",
    ),
    (
        rf"gap of (?P<n0>{N}) s in the log \(from (?P<n1>{N}) (?P<unit>\S+) to (?P<n2>{N}) "
        rf"(?P=unit)\); steps may be at most (?P<n3>{N}) s \(the larger of (?P<n4>{N}) s and "
        rf"(?P<n5>{N}) x the median step of (?P<n6>{N}) s\)",
        "Lücke von {n0} s im Protokoll (von {n1} {unit} bis {n2} {unit}); Schritte dürfen "
        "höchstens {n3} s lang sein (das Größere von {n4} s und dem {n5}-Fachen des mittleren "
        "Schritts von {n6} s)",
    ),
    # -- studies, scenarios, uploads --------------------------------------------------------
    (
        r"a mission is a \.csv flight log or a \.toml file",
        "eine Mission ist ein .csv-Flugprotokoll oder eine .toml-Datei",
    ),
    (
        r"a cell is a \.toml design or a BPX \.json file",
        "eine Zelle ist ein .toml-Design oder eine BPX-.json-Datei",
    ),
    (
        "only a preset with changes can be saved as a template",
        "nur eine geänderte Vorlage lässt sich als Vorlage speichern",
    ),
    (
        rf"the view is (?P<n0>{N}) characters long \(at most (?P<n1>{N})\); share the JSON "
        "export instead",
        "die Ansicht ist {n0} Zeichen lang (höchstens {n1}); stattdessen den JSON-Export teilen",
    ),
    (
        rf"the view inflates to more than (?P<n0>{N}) bytes",
        "die Ansicht entpackt sich auf mehr als {n0} Bytes",
    ),
    (r"the view cannot be read \((?P<detail>.*)\)", "die Ansicht ist nicht lesbar ({detail})"),
    (
        r"a cell choice needs exactly one of preset, document or bpx",
        "eine Zellwahl braucht genau eines von preset, document oder bpx",
    ),
    (
        r"a mission choice needs exactly one of preset or document",
        "eine Missionswahl braucht genau eines von preset oder document",
    ),
    (
        r"cell change (?P<change>.*) is not field=number",
        "Zelländerung {change} ist nicht Feld=Zahl",
    ),
    (r"(?P<key>\S+)=(?P<text>.*) is not a number", "{key}={text} ist keine Zahl"),
    (r"(?P<field>\S+) must be a whole number", "{field} muss eine ganze Zahl sein"),
    (r"(?P<what>.*) is not JSON \((?P<detail>.*)\)", "{what} ist kein JSON ({detail})"),
    ("give exactly one of mission and [base.station]", "genau eines angeben: mission oder "
     "[base.station]"),
    (r"give exactly one of mission and \[base\.station\]", "genau eines angeben: mission oder "
     "[base.station]"),
    ("a station needs a drone", "ein Einsatzort braucht eine Drohne"),
    ("give either values or start and stop", "entweder values oder start und stop angeben"),
    ("give both start and stop", "start und stop beide angeben"),
    ("start and stop must be finite numbers", "start und stop müssen endliche Zahlen sein"),
    ("a grid over a range needs count", "ein Raster über einen Bereich braucht count"),
    ("each field may be a dimension once", "jedes Feld darf nur einmal eine Dimension sein"),
    (
        r'sampling = "latin hypercube" and samples go together',
        'sampling = "latin hypercube" und samples gehören zusammen',
    ),
    ("a station sweep has no mission to change", "eine Variation am Einsatzort hat keine Mission"
     " zum Ändern"),
    (rf"the grid has (?P<n0>{N}) designs; at most (?P<n1>{N})", "das Raster hat {n0} Designs; "
     "höchstens {n1}"),
    ("no pack size in the sweep can fly", "keine Akkugröße der Variation kann fliegen"),
    (
        "no pack size in the sweep can fly: all are too heavy or ask more power than the cells "
        "give",
        "keine Akkugröße der Variation kann fliegen: Alle sind zu schwer oder verlangen mehr "
        "Leistung, als die Zellen liefern",
    ),
    ("parallel counts must be whole numbers from 1", "Parallelzahlen müssen ganze Zahlen ab 1 "
     "sein"),
    (
        rf"c_rate (?P<n0>{N}) is outside (?P<n1>{N})\.\.(?P<n2>{N})",
        "C-Rate {n0} liegt außerhalb von {n1}..{n2}",
    ),
    (
        r"objective '(?P<fig>.*)': choose from (?P<known>.*)",
        "Ziel „{fig}“: wählen aus {known}",
    ),
    (
        r"constraint '(?P<fig>.*)': choose from (?P<known>.*)",
        "Nebenbedingung „{fig}“: wählen aus {known}",
    ),
    (r"constraint '(?P<fig>.*)': give min, max or both", "Nebenbedingung „{fig}“: min, max oder "
     "beide angeben"),
    (
        "differential evolution takes one objective; nsga-ii takes several",
        "Differential Evolution nimmt ein Ziel; NSGA-II mehrere",
    ),
    (
        r"variable (?P<field>.*): give start and stop, or values",
        "Variable {field}: start und stop oder values angeben",
    ),
    (
        r"no cell given: name one \(--cell\); the drone names none",
        "keine Zelle angegeben: eine nennen (--cell); die Drohne nennt keine",
    ),
    (
        r"no pack layout: give the series and parallel counts \(or a drone\)",
        "keine Akkuanordnung: Reihen- und Parallelzahl angeben (oder eine Drohne)",
    ),
    ("drone changes given, but there is no drone", "Drohnenänderungen angegeben, aber keine "
     "Drohne gewählt"),
    (
        rf"(?P<n0>{N}) of (?P<n1>{N}) designs failed with an internal error \(see the log\); the "
        r"others are done(?P<resume>; resume to retry them)?",
        "{n0} von {n1} Designs sind mit einem internen Fehler gescheitert (siehe Log); die "
        "übrigen sind fertig{resume:resume}",
    ),
    (
        r"cannot reach the Dask scheduler at (?P<address>.*) \((?P<detail>.*)\)",
        "Dask-Scheduler unter {address} nicht erreichbar ({detail})",
    ),
    # Termination reasons and endurance limits as plain values (a table's cells).
    *((re.escape(en), de) for en, de in _REASON_DE.items()),
)

# Fixed phrases inside captured text, for the groups formatted with ":advice" and friends.
_PHRASES: dict[str, dict[str, str]] = {
    "advice": {
        "use more cells in parallel, less power or a power cell": (
            "mehr Zellen parallel, weniger Leistung oder eine Hochstromzelle verwenden"
        ),
    },
    "resume": {"; resume to retry them": "; fortsetzen, um sie erneut zu rechnen"},
    "flip": {
        "; most rows are negative: if the log counts discharge as negative, flip the sign": (
            "; die meisten Zeilen sind negativ: Zählt das Protokoll die Entladung negativ, das "
            "Vorzeichen umkehren"
        ),
    },
}


def _fill_de(text: str) -> str:
    """Every number in ``text`` with a decimal comma (and German thousands)."""
    return re.sub(
        rf"(?<![\w.\-/]){_NUMBER}(?![\w\-/]|\.\d)", lambda m: german_number(m[0]), text
    )


def _advice_de(text: str) -> str:
    for english, german_text in _PHRASES["advice"].items():
        if text.startswith(english):
            return german_text + text[len(english) :]
    return german(text) if text else text


_CONVERSIONS: dict[str, Callable[[str], str]] = {
    "kind": lambda text: _KIND_DE.get(text, text),
    "airframe": lambda text: _AIRFRAME_DE.get(text, text),
    "bytes": lambda text: _fill_de(text.replace("bytes", "Bytes")).replace(
        "more than that", "mehr als das"
    ),
    "fill": _fill_de,
    "advice": _advice_de,
    "resume": lambda text: _PHRASES["resume"].get(text, text),
    "format": lambda text: format_name_de(text),
    "design_field": lambda text: _DESIGN_FIELDS_DE.get(text, text),
    "flip": lambda text: _PHRASES["flip"].get(text, text),
}


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), template) for pattern, template in CATALOGUE)


def _render(template: str, match: re.Match[str]) -> str:
    """``template`` filled from ``match``: numbers, names and texts as the group names say
    (see the module's docstring); ``{name:conversion}`` uses :data:`_CONVERSIONS`."""

    def value(field: re.Match[str]) -> str:
        name, conversion = field[1], field[2]
        text = match.group(name) or ""
        if conversion:
            return _CONVERSIONS[conversion](text)
        if name.startswith("n"):
            return german_number(text)
        if name.startswith("q"):
            return name_de(text)
        if name.startswith("t"):
            return german(text) if text else text
        if name == "hint" and text:
            return "; SPMe ist unter Leistungsvorgabe bei hohen C-Raten anfällig, DFN ist robuster"
        return text

    return re.sub(r"\{(\w+)(?::(\w+))?\}", value, template)


def _whole(text: str) -> str | None:
    for pattern, template in _compiled():
        match = pattern.fullmatch(text)
        if match:
            return _render(template, match)
    known = preset_names_de().get(text)
    if known:
        return known
    return None


def _context(head: str) -> str:
    """The leading context of a message: a kind and id ("cell x"), a quoted phase, a field
    path, a file name or a preset's name."""
    if head in _CONTEXT_WORDS:
        return _CONTEXT_WORDS[head]
    kind = re.fullmatch(r"(cell|mission|drone|chemistry|design|segment|flight plan) (.+)", head)
    if kind:
        return f"{_KIND_DE[kind[1]]} {name_de(kind[2])}"
    phase = re.fullmatch(r"(phase|segment) '(.*)'", head)
    if phase:
        return f"{_KIND_DE[phase[1]]} „{name_de(phase[2])}“"
    time_series = re.fullmatch(r"(.+) time_series", head)
    if time_series:
        return f"{time_series[1]}, Zeitreihe"
    row = re.fullmatch(r"(.+), (?:data )?row (\d+)", head)
    if row:
        return f"{row[1]}, Zeile {row[2]}"
    row_line = re.fullmatch(r"(?:(?P<file>[^:]+): )?row (\d+) \(line (\d+)\)", head)
    if row_line:
        where = f"Zeile {row_line[2]} (Textzeile {row_line[3]})"
        return f"{row_line['file']}: {where}" if row_line["file"] else where
    line = re.fullmatch(r"(.+), line (\d+)", head)
    if line:
        return f"{line[1]}, Zeile {line[2]}"
    if re.fullmatch(r"\S+\.(?:toml|json|csv|txt|ulg|bin)", head):
        return head  # a file's name
    if re.fullmatch(r"[A-Za-z_][\w]*(?:\.\w+)+|[a-z]+_[\w]*", head):
        return field_label_de(head)
    if head in FIELD_LABELS_DE:
        return FIELD_LABELS_DE[head]
    return name_de(head)


def _part(text: str, depth: int) -> str:
    """One ``"; "``-free part: a whole match, else ``context: rest`` with both translated."""
    found = _whole(text)
    if found is not None:
        return found
    head, separator, tail = text.partition(": ")
    if separator and depth < 12:
        return f"{_context(head)}: {_translate(tail, depth + 1)}"
    return _context(text) if " " not in text else _numbers_in(text)


def _translate(text: str, depth: int = 0) -> str:
    found = _whole(text)
    if found is not None:
        return found
    # A leading context whose rest matches one entry ("file.toml: ...", a flight log's
    # "log.csv: row 3 (line 4): ..."), before a "; " splits the entry itself.
    row = re.match(r"(?P<head>[^:]+: row \d+ \(line \d+\)): (?P<tail>.*)", text)
    head, separator, tail = (row["head"], ": ", row["tail"]) if row else text.partition(": ")
    if separator:
        rest = _whole(tail)
        if rest is not None:
            return f"{_context(head)}: {rest}"
    if "; " in text:
        return "; ".join(_part(part, depth + 1) for part in text.split("; "))
    return _part(text, depth)


def german(message: str) -> str:
    """``message`` (one line of the domain, in English) in German; parts the catalogue does
    not know stay as they are."""
    text = " ".join(str(message).split())
    if not text:
        return text
    return _translate(text)


# --- appended for the compare page (flight logs' segment names and descriptions) -----------

CATALOGUE = (
    *CATALOGUE,
    (r"flight log (?P<file>\S+)", "Flugprotokoll {file}"),
    (
        rf"flight log (?P<file>\S+): (?P<n0>{N}) samples over (?P<n1>{N}) s, averaged over "
        rf"(?P<n2>{N}) s bins \(energy kept\)(?:; (?P<tnotes>.+))?",
        "Flugprotokoll {file}: {n0} Werte über {n1} s, gemittelt in Intervallen von {n2} s "
        "(Energie erhalten){tnotes:notes}",
    ),
    (
        rf"log (?P<n0>{N})-(?P<n1>{N}) s",
        "Protokoll {n0}–{n1} s",
    ),
)
_CONVERSIONS["notes"] = lambda text: f"; {german(text)}" if text else ""


def segment_name_de(english: str) -> str:
    """A segment's (or a mission's) German name: a preset's, or one the domain made ("sample
    3", a flight log's "log 0-10 s", "flight log x.csv"); else ``english`` (a user's own)."""
    found = name_de(english)
    if found != english:
        return found
    log = re.fullmatch(rf"log ({N})-({N}) s(?: \((.+)\))?", english)
    if log:
        span = f"Protokoll {german_number(log[1])}–{german_number(log[2])} s"
        # A log with phases names each segment's too: "log 80-90 s (descent)".
        return f"{span} ({LOG_PHASE_WORDS_DE.get(log[3], log[3])})" if log[3] else span
    flight_log = re.fullmatch(r"flight log (\S+)", english)
    if flight_log:
        return f"Flugprotokoll {flight_log[1]}"
    return english


# --- appended for the design space page (a sweep that failed whole) ------------------------

CATALOGUE = (
    *CATALOGUE,
    (
        r"internal error \((?P<kind>\w+)\); see the server log",
        "interner Fehler ({kind}); siehe Server-Log",
    ),
)


# --- appended for PX4 and ArduPilot logs (sortie.models.flight_log_ulog, _dataflash,
# flight_record, dataflash_format): their errors and notes, the phases found in a log and the
# segments named by them ------------------------------------------------------------------

# The phases as the domain writes them in a sentence (sortie.models.flight_log.phase_word).
# ui.text.i18n takes its phase names (the phase selector) from here.
LOG_PHASE_WORDS_DE = {
    "ground": "Boden",
    "take-off": "Start",
    "climb": "Steigflug",
    "transit": "Anflug",
    "cruise": "Reiseflug",
    "loiter": "Kreisen",
    "hover": "Schweben",
    "dash": "Sprint",
    "transition": "Transition",
    "payload release": "Nutzlastabwurf",
    "return": "Rückflug",
    "descent": "Sinkflug",
    "landing": "Landung",
    "test": "Test",
}
_LOG_PHASE = "(?:" + "|".join(re.escape(w) for w in LOG_PHASE_WORDS_DE) + ")"
_LOG_PHASE_SPAN = rf"(?P<word>{_LOG_PHASE}) (?P<start>{N})-(?P<end>{N}) s"


def log_phases_de(text: str) -> str:
    """``"take-off 10-11.5 s, climb 11.5-30 s"`` (a log's phases) in German."""
    return re.sub(
        _LOG_PHASE_SPAN,
        lambda m: f"{LOG_PHASE_WORDS_DE[m['word']]} {german_number(m['start'])}–"
        f"{german_number(m['end'])} s",
        text,
    )


_CONVERSIONS.update(
    {
        "phases": log_phases_de,
        "phase_word": lambda text: LOG_PHASE_WORDS_DE.get(text, text),
        "numbers": _fill_de,
        "why": lambda text: {
            "as asked": "wie gewählt",
            "the one that gave the most energy": "die mit der meisten abgegebenen Energie",
        }.get(text, text),
        "found": lambda text: text.replace("none of", "keine von"),
        "topics": lambda text: re.sub(
            rf" and ({N}) more$", r" und \1 weitere", text.replace("no data", "keine Daten")
        ),
        "ulog_hint": lambda text: (
            "; es sieht aus wie ein PX4-ULog: als .ulg benennen" if text else ""
        ),
        "bin_hint": lambda text: (
            "; es sieht aus wie ein ArduPilot-DataFlash-Protokoll: als .bin benennen"
            if text
            else ""
        ),
    }
)

CATALOGUE = (
    *CATALOGUE,
    (
        rf"(?P<phases>{_LOG_PHASE} {N}-{N} s(?:, {_LOG_PHASE} {N}-{N} s)*)",
        "{phases:phases}",
    ),
    (
        rf"log (?P<n0>{N})-(?P<n1>{N}) s \((?P<word>{_LOG_PHASE})\)",
        "Protokoll {n0}–{n1} s ({word:phase_word})",
    ),
    (
        rf"(?P<n0>{N}) bytes, too short to be an ArduPilot DataFlash log \(its first message "
        rf"alone is (?P<n1>{N})\)",
        "{n0} Bytes, zu kurz für ein ArduPilot-DataFlash-Protokoll (allein seine erste "
        "Nachricht hat {n1})",
    ),
    (
        r"not an ArduPilot DataFlash log \(it does not start with a format message, bytes A3 95 "
        r"80\)(?P<hint>; it looks like a PX4 ULog: name it \.ulg)?",
        "kein ArduPilot-DataFlash-Protokoll (es beginnt nicht mit einer Formatnachricht, Bytes "
        "A3 95 80){hint:ulog_hint}",
    ),
    (
        r"no BAT or CURR message in the log \(found (?P<found>.*)\); set LOG_BITMASK to log the "
        r"battery \(BATT_MONITOR must be on\) to fly the log as a mission",
        "keine BAT- oder CURR-Nachricht im Protokoll (gefunden: {found:found}); LOG_BITMASK so "
        "setzen, dass die Batterie aufgezeichnet wird (BATT_MONITOR muss an sein), um das "
        "Protokoll als Mission zu fliegen",
    ),
    (
        r"message (?P<name>\S+): format '(?P<fmt>[^']*)' has '(?P<char>.)', which is not a "
        "DataFlash format character",
        "Nachricht {name}: Format '{fmt}' enthält '{char}', kein DataFlash-Formatzeichen",
    ),
    (
        rf"message (?P<name>\S+): its format '(?P<fmt>[^']*)' needs (?P<n0>{N}) bytes, but its "
        rf"FMT says (?P<n1>{N})",
        "Nachricht {name}: Format '{fmt}' braucht {n0} Bytes, laut FMT sind es {n1}",
    ),
    (r"(?P<name>\S+) messages without a TimeUS column", "{name}-Nachrichten ohne TimeUS-Spalte"),
    (
        r"cannot read the DataFlash log \((?P<detail>.*)\)",
        "DataFlash-Protokoll nicht lesbar ({detail})",
    ),
    (
        rf"(?P<n0>{N}) bytes, too short to be a PX4 ULog \(its header alone is (?P<n1>{N})\)",
        "{n0} Bytes, zu kurz für ein PX4-ULog (allein sein Kopf hat {n1})",
    ),
    (
        r"not a PX4 ULog \(it does not start with 'ULog' and the ULog magic bytes\)"
        r"(?P<hint>; it looks like an ArduPilot DataFlash log: name it \.bin)?",
        "kein PX4-ULog (es beginnt nicht mit 'ULog' und den ULog-Kennbytes){hint:bin_hint}",
    ),
    (
        r"no battery_status topic in the log \(it has (?P<topics>.*)\); log the battery to fly "
        "the log as a mission",
        "kein battery_status-Topic im Protokoll (es enthält {topics:topics}); die Batterie "
        "aufzeichnen, um das Protokoll als Mission zu fliegen",
    ),
    (
        r"reading PX4 logs needs the pyulog package \(pip install pyulog\)",
        "PX4-Protokolle zu lesen braucht das Paket pyulog (pip install pyulog)",
    ),
    (r"cannot read the ULog \((?P<detail>.*)\)", "ULog nicht lesbar ({detail})"),
    (
        "the file is corrupt in places: pyulog skipped what it could not read",
        "Die Datei ist stellenweise beschädigt: pyulog hat übersprungen, was es nicht lesen "
        "konnte",
    ),
    (
        r"the file ends in the middle of a message \(cut short\): read up to there",
        "Die Datei endet mitten in einer Nachricht (abgeschnitten): bis dorthin gelesen",
    ),
    (
        rf"the log could be read up to byte (?P<n0>{N}) of (?P<n1>{N}) \(damaged or cut "
        r"there\): the rest is left out",
        "Das Protokoll ließ sich bis Byte {n0} von {n1} lesen (dort beschädigt oder "
        "abgeschnitten): der Rest bleibt außen vor",
    ),
    (
        rf"(?P<n0>{N}) bytes between messages were not a message \(damage\) and were skipped",
        "{n0} Bytes zwischen Nachrichten waren keine Nachricht (beschädigt) und wurden "
        "übersprungen",
    ),
    (
        rf"(?P<n0>{N}) (?P<what>\S+) samples, more than (?P<n1>{N}): cut the log to the flight "
        "first",
        "{n0} {what}-Werte, mehr als {n1}: das Protokoll zuerst auf den Flug kürzen",
    ),
    (
        rf"file too large \((?P<size>{N} bytes|more); at most (?P<n0>{N})\): cut the log to the "
        "flight first",
        "Datei zu groß ({size:bytes}; höchstens {n0}): das Protokoll zuerst auf den Flug kürzen",
    ),
    (
        rf"no battery instance (?P<n0>{N}) \(the log has (?P<instances>[^)]*)\)",
        "keine Batterie {n0} (im Protokoll: {instances})",
    ),
    ("no battery sample with a voltage and a current", "kein Batteriewert mit Spannung und Strom"),
    (
        rf"battery instance (?P<n0>{N}) has (?P<n1>{N}) sample\(s\) with a voltage and a "
        "current; a flight log needs at least 2",
        "Batterie {n0} hat {n1} Wert(e) mit Spannung und Strom; ein Flugprotokoll braucht "
        "mindestens 2",
    ),
    (
        rf"battery (?P<n0>{N}) sample (?P<n1>{N}): time goes backwards \((?P<n2>{N}) s after "
        rf"(?P<n3>{N}) s on the log's clock\)",
        "Batterie {n0}, Wert {n1}: die Zeit läuft rückwärts ({n2} s nach {n3} s auf der Uhr "
        "des Protokolls)",
    ),
    (
        rf"battery (?P<n0>{N}) has 1 distinct time stamp; a flight log needs at least 2",
        "Batterie {n0} hat nur 1 Zeitstempel; ein Flugprotokoll braucht mindestens 2",
    ),
    (
        rf"(?P<n0>{N}) repeated battery time stamp\(s\) merged, keeping the log's energy",
        "{n0} wiederholte Batterie-Zeitstempel zusammengefasst, die Energie des Protokolls "
        "bleibt erhalten",
    ),
    (
        rf"(?P<n0>{N}) battery sample\(s\) with a negative current \(sensor offset at idle, or "
        r"regeneration\) taken as 0 W",
        "{n0} Batteriewert(e) mit negativem Strom (Sensor-Offset im Leerlauf oder "
        "Rekuperation) als 0 W gewertet",
    ),
    (
        rf"gap of (?P<n0>{N}) s in the battery data \(from (?P<n1>{N}) s to (?P<n2>{N}) s\); "
        rf"steps may be at most (?P<n3>{N}) s \(the larger of (?P<n4>{N}) s and (?P<n5>{N}) x "
        r"the median step\)",
        "Lücke von {n0} s in den Batteriedaten (von {n1} s bis {n2} s); Schritte dürfen "
        "höchstens {n3} s lang sein (das Größere von {n4} s und dem {n5}-Fachen des mittleren "
        "Schritts)",
    ),
    (
        rf"battery instance (?P<n0>{N}) \((?P<n1>{N}) Wh, (?P<why>as asked|the one that gave the "
        r"most energy)\)",
        "Batterie {n0} ({n1} Wh, {why:why})",
    ),
    (r"also in the log: (?P<others>.*)", "außerdem im Protokoll: {others:numbers}"),
    (
        r"never flew \(on the ground throughout\): the measured power is flown as it is, a "
        "ground run, not a flight",
        "nie geflogen (durchweg am Boden): Die gemessene Leistung wird geflogen, wie sie ist, "
        "als Bodenlauf, nicht als Flug",
    ),
    (
        "no landed state in the log: in the air whenever armed",
        "kein Landezustand im Protokoll: in der Luft, solange scharf geschaltet",
    ),
    (
        "no armed or landed state in the log: in the air throughout",
        "weder Scharf- noch Landezustand im Protokoll: durchweg in der Luft",
    ),
)

# The upload's wording once sortie.studies.scenario.mission_document names every log format.
CATALOGUE = (
    *CATALOGUE,
    (
        r"a mission is a flight log \(\.csv, PX4 \.ulg, ArduPilot \.bin\) or a \.toml file",
        "eine Mission ist ein Flugprotokoll (.csv, PX4 .ulg, ArduPilot .bin) oder eine "
        ".toml-Datei",
    ),
)

# What a calibration can fit (sortie.calibration.parameters.REGISTRY's labels), for the
# Calibrate page.
CATALOGUE = (
    *CATALOGUE,
    ("positive active material volume fraction", "Aktivmaterialanteil der positiven Elektrode"),
    ("negative active material volume fraction", "Aktivmaterialanteil der negativen Elektrode"),
    ("positive particle radius", "Partikelradius der positiven Elektrode"),
    ("negative particle radius", "Partikelradius der negativen Elektrode"),
    (
        r"positive particle diffusivity \(factor\)",
        "Diffusivität in den Partikeln der positiven Elektrode (Faktor)",
    ),
    (
        r"negative particle diffusivity \(factor\)",
        "Diffusivität in den Partikeln der negativen Elektrode (Faktor)",
    ),
    (
        r"positive exchange-current density \(factor\)",
        "Austauschstromdichte der positiven Elektrode (Faktor)",
    ),
    (
        r"negative exchange-current density \(factor\)",
        "Austauschstromdichte der negativen Elektrode (Faktor)",
    ),
    (r"electrolyte conductivity \(factor\)", "Leitfähigkeit des Elektrolyten (Faktor)"),
    (
        "extra activation energy of both particle diffusivities",
        "zusätzliche Aktivierungsenergie beider Partikeldiffusivitäten",
    ),
    (
        "extra activation energy of both exchange-current densities",
        "zusätzliche Aktivierungsenergie beider Austauschstromdichten",
    ),
    (
        r"series contact resistance \(rig and tabs\)",
        "serieller Kontaktwiderstand (Prüfstand und Ableiter)",
    ),
    ("heat transfer coefficient to the chamber", "Wärmeübergangskoeffizient zur Kammer"),
)

# A cycler export's problems (sortie.measurements.reader and table), for the Calibrate page.
_CELL_AT = rf"row (?P<n0>{N}) \(line (?P<n1>{N})\), column '(?P<column>[^']*)'"
CATALOGUE = (
    *CATALOGUE,
    (
        rf"{_CELL_AT}: (?P<value>.*) is not a number",
        "Zeile {n0} (Dateizeile {n1}), Spalte „{column}“: {value} ist keine Zahl",
    ),
    (
        rf"{_CELL_AT}: (?P<value>.*) is infinite",
        "Zeile {n0} (Dateizeile {n1}), Spalte „{column}“: {value} ist unendlich",
    ),
    (rf"{_CELL_AT} is empty", "Zeile {n0} (Dateizeile {n1}), Spalte „{column}“ ist leer"),
    *(
        (
            rf"no {english} column in the header \(line (?P<n0>{N})\)(?P<hint>.*?): found "
            r"(?P<found>.*); expected e\.g\. (?P<examples>.*)",
            f"keine Spalte für {german} in der Kopfzeile (Zeile {{n0}}): gefunden {{found}}; "
            "erwartet z. B. {examples}",
        )
        for english, german in (
            ("time", "die Zeit"),
            ("current", "den Strom"),
            ("voltage", "die Spannung"),
        )
    ),
    (
        rf"no data rows after the header \(line (?P<n0>{N})\)",
        "keine Datenzeilen nach der Kopfzeile (Zeile {n0})",
    ),
    (
        r"the ambient \(chamber or air\) temperature is not in the file: give it \(ambient_c\) "
        r"or name its column \(ambient_column\)",
        "die Umgebungstemperatur (Kammer oder Luft) steht nicht in der Datei: sie angeben oder "
        "ihre Spalte nennen",
    ),
)


# --- appended for the Sortie life page (sortie.studies.life, life_spec, models.ageing_runs):
# a cell without degradation data, the life's inputs refused, why a sortie failed, the
# acceleration, the assumptions, the mechanisms and where their data come from -------------

_RANGE = rf"(?P<n0>{N})\.\.(?P<n1>{N})"
CATALOGUE = (
    *CATALOGUE,
    (
        r"no degradation data \((?P<set>[^):]*) has none\); life is computed only for cells "
        r"with measured ageing parameters \((?P<known>[^)]*)\)",
        "keine Alterungsdaten ({set} hat keine); die Lebensdauer wird nur für Zellen mit "
        "gemessenen Alterungsparametern berechnet ({known})",
    ),
    (
        r"no degradation data \(Mohtat2020: its SEI values are not fitted to the cell's ageing "
        rf"and lose (?P<n0>{N})-(?P<n1>{N}) % of the capacity per sortie\); life is computed "
        r"only for cells with measured ageing parameters \((?P<known>[^)]*)\)",
        "keine Alterungsdaten (Mohtat2020: seine SEI-Werte sind nicht an die Alterung der "
        "Zelle angepasst und verlieren {n0}-{n1} % der Kapazität je Einsatz); die Lebensdauer "
        "wird nur für Zellen mit gemessenen Alterungsparametern berechnet ({known})",
    ),
    (
        r"no degradation data \(Ai2020: it has no SEI data; its stress-driven loss of active "
        r"material alone loses no measurable capacity, which would show a cell that does not "
        r"age\); life is computed only for cells with measured ageing parameters "
        r"\((?P<known>[^)]*)\)",
        "keine Alterungsdaten (Ai2020: keine SEI-Daten; sein spannungsgetriebener Verlust an "
        "Aktivmaterial allein verliert keine messbare Kapazität und zeigte eine Zelle, die "
        "nicht altert); die Lebensdauer wird nur für Zellen mit gemessenen "
        "Alterungsparametern berechnet ({known})",
    ),
    (
        rf"recharge: C-rate must be {_RANGE}",
        "Nachladen: die C-Rate muss zwischen {n0} und {n1} liegen",
    ),
    (
        rf"recharge: voltage must be {_RANGE} V",
        "Nachladen: die Ladeschlussspannung muss zwischen {n0} und {n1} V liegen",
    ),
    (
        r"recharge: the CV cut-off current must be above 0 and below the charging current",
        "Nachladen: der Abschaltstrom der CV-Phase muss über 0 und unter dem Ladestrom liegen",
    ),
    (
        r"recharge: a charger power must be above 0 W",
        "Nachladen: die Leistung des Ladegeräts muss über 0 W liegen",
    ),
    (
        r"recharge '(?P<text>.*)' not understood: use \"1C CCCV to 4\.2 V\", \"0\.5C\", "
        r"\"120 W\" \(charger power\) or (?P<presets>.*)",
        "Nachladen „{text}“ nicht verstanden: möglich sind „1C CCCV to 4.2 V“, „0.5C“, "
        "„120 W“ (Leistung des Ladegeräts) oder {presets}",
    ),
    (
        rf"storage: days must be {_RANGE}",
        "Lagerung: die Dauer muss zwischen {n0} und {n1} Tagen liegen",
    ),
    (
        rf"storage: temperature must be {_RANGE} °C",
        "Lagerung: die Temperatur muss zwischen {n0} und {n1} °C liegen",
    ),
    (
        rf"storage: state of charge must be {_RANGE}",
        "Lagerung: der Ladezustand muss zwischen {n0} und {n1} liegen",
    ),
    (
        rf"storage: every_sorties must be at least (?P<n0>{N})",
        "Lagerung: der Abstand in Einsätzen muss mindestens {n0} sein",
    ),
    (rf"sorties must be {_RANGE}", "die Zahl der Einsätze muss zwischen {n0} und {n1} liegen"),
    (
        rf"turnaround must be {_RANGE} minutes",
        "die Bodenzeit muss zwischen {n0} und {n1} Minuten liegen",
    ),
    (
        rf"ground temperature must be {_RANGE} °C",
        "die Temperatur am Boden muss zwischen {n0} und {n1} °C liegen",
    ),
    (
        rf"report every k-th sortie: k must be at least (?P<n0>{N})",
        "jeden k-ten Einsatz berichten: k muss mindestens {n0} sein",
    ),
    (rf"tolerance must be {_RANGE}", "die Toleranz muss zwischen {n0} und {n1} liegen"),
    (
        rf"the longest jump must be at least (?P<n0>{N}) sortie",
        "der längste Sprung muss mindestens {n0} Einsatz umfassen",
    ),
    # Why a sortie did not complete with its reserve (LifeSummary.failing_reason).
    (
        rf"landed with (?P<n0>{N}) % of the new capacity, below the (?P<n1>{N}) % reserve",
        "mit {n0} % der Neukapazität gelandet, unter der Reserve von {n1} %",
    ),
    (
        rf"reached the voltage cut-off after (?P<n0>{N}) s of (?P<n1>{N}) s",
        "Entladeschlussspannung nach {n0} s von {n1} s erreicht",
    ),
    # How the life was accelerated (LifeSummary.acceleration).
    (
        rf"cycle jumping: (?P<n0>{N}) of (?P<n1>{N}) sorties solved in full, the rest stepped "
        r"over at each degradation state's per-sortie rate \(jumps of up to "
        rf"(?P<n2>{N}), each sized so that its capacity error stays below (?P<n3>{N}) % of the "
        rf"capacity or (?P<n4>{N}) % of the capacity it steps over\)",
        "Zyklensprung: {n0} von {n1} Einsätzen voll gerechnet, die übrigen übersprungen, "
        "indem jeder Alterungszustand mit seiner Änderung je Einsatz fortgeschrieben wird "
        "(Sprünge bis {n2} Einsätze, jeder so bemessen, dass sein Kapazitätsfehler unter "
        "{n3} % der Kapazität oder {n4} % der übersprungenen Kapazität bleibt)",
    ),
    (
        rf"none: all (?P<n0>{N}) sorties solved in full",
        "keine: alle {n0} Einsätze voll gerechnet",
    ),
    # The assumptions (LifeSummary.assumptions).
    (r"ageing from (?P<tsource>.+)", "Alterung nach {tsource}"),
    (
        rf"recharge (?P<trecharge>.+?) at (?P<n0>{N}) °C, turnaround (?P<n1>{N}) min",
        "Nachladen {trecharge} bei {n0} °C, Bodenzeit {n1} min",
    ),
    (rf"(?P<n0>{N})C CCCV to (?P<n1>{N}) V", "{n0}C CCCV bis {n1} V"),
    (rf"(?P<n0>{N}) W charger, CV to (?P<n1>{N}) V", "Ladegerät mit {n0} W, CV bis {n1} V"),
    (
        r"the pack's mean cell with a lumped temperature, cooled at the mission's "
        rf"time-weighted mean of (?P<n0>{N}) W/\(m2 K\)",
        "die mittlere Zelle des Akkus mit einer einzigen Temperatur, gekühlt mit dem "
        "zeitgewichteten Mittel der Mission von {n0} W/(m² K)",
    ),
    (
        r"state of charge at landing counted against the new cell's capacity \(the reserve "
        r"as planned\)",
        "Ladezustand bei der Landung bezogen auf die Kapazität der neuen Zelle (die Reserve "
        "wie geplant)",
    ),
    (
        r"mesh: coarse \(10 points across each electrode, 5 across the separator, 10 in "
        r"each particle; on the DFN ISR loiter within 4e-5 of the capacity on PyBaMM's "
        r"default mesh over 500 sorties\)",
        "Gitter: grob (10 Punkte je Elektrode, 5 im Separator, 10 je Partikel; beim DFN "
        "auf der ISR-Überwachung über 500 Einsätze innerhalb von 4e-5 der Kapazität auf dem "
        "Standardgitter von PyBaMM)",
    ),
    (
        r"mesh: PyBaMM's default \(20 points in every domain\)",
        "Gitter: das Standardgitter von PyBaMM (20 Punkte in jedem Bereich)",
    ),
    (
        r"capacity: PyBaMM's electrode-SOH capacity between the voltage limits",
        "Kapazität: die Elektroden-SOH-Kapazität von PyBaMM zwischen den Spannungsgrenzen",
    ),
    (
        r"the cell's own set \((?P<own>[^)]*)\) has no degradation data: its design "
        r"\(coatings, porosities, particles, electrode area\) is flown on (?P<set>\S+)'s "
        r"electrochemistry and degradation data",
        "der eigene Parametersatz der Zelle ({own}) hat keine Alterungsdaten: ihr Design "
        "(Beschichtungen, Porositäten, Partikel, Elektrodenfläche) wird mit der "
        "Elektrochemie und den Alterungsdaten von {set} geflogen",
    ),
    (
        rf"storage (?P<n0>{N}) days at (?P<n1>{N}) °C and (?P<n2>{N}) % after sorties "
        r"(?P<after>[\d, ]+)",
        "Lagerung {n0} Tage bei {n1} °C und {n2} % nach den Einsätzen {after}",
    ),
    (
        rf"storage (?P<n0>{N}) days at (?P<n1>{N}) °C and (?P<n2>{N}) % after sorties "
        r"\(none\)",
        "Lagerung {n0} Tage bei {n1} °C und {n2} % (nach keinem Einsatz)",
    ),
    # Where a cell's degradation data come from (sortie.models.ageing_runs, the sources).
    (
        r"OKane2022 \(LG M50 21700, degradation fitted to its ageing tests\)",
        "OKane2022 (LG M50 21700, Alterung an ihre Alterungstests angepasst)",
    ),
    (
        r"Mohtat2020 \(NMC532 pouch, SEI only; no plating or cracking data\)",
        "Mohtat2020 (NMC532-Pouchzelle, nur SEI; keine Daten zu Lithium-Plating oder "
        "Partikelrissen)",
    ),
    (
        r"Ai2020 \(LCO pouch, particle cracking and stress-driven loss of active material; "
        r"its SEI values are PyBaMM's generic ones, so SEI is left out\)",
        "Ai2020 (LCO-Pouchzelle, Partikelrisse und spannungsgetriebener Verlust an "
        "Aktivmaterial; ihre SEI-Werte sind die allgemeinen von PyBaMM, daher ohne SEI)",
    ),
    # The mechanisms (sortie.models.ageing_runs.Mechanism's values).
    (r"SEI growth", "SEI-Wachstum"),
    (r"SEI on cracks", "SEI auf Partikelrissen"),
    (r"lithium plating \(partially reversible\)", "Lithium-Plating (teilweise reversibel)"),
    (r"particle cracking", "Partikelrisse"),
    (r"loss of active material", "Verlust an Aktivmaterial"),
)
