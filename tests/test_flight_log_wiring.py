"""PX4 and ArduPilot logs wherever a mission is named: ``sortie run`` (its help, its messages
naming the log, the phases and notes it prints, in text and JSON), sweep files (a log beside
the sweep file) and the app's *My file* (an upload of a DataFlash log built from the format's
description, its phases shown, in English and German)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sortie.cli import build_parser
from sortie.cli_run import _mission_label
from sortie.studies.design_space import with_file_paths
from tests.cli_helpers import sortie_here
from tests.dataflash_builder import copter_flight
from tests.test_flight_log_messages_de import english_in_german
from ui.widgets.uploads import MAX_UPLOAD_BYTES

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT_S = 300
PHASES = (
    "ground 0-10 s, take-off 10-11.5 s, climb 11.5-30 s, cruise 30-80 s, descent 80-98.6 s, "
    "landing 98.6-100 s, ground 100-120 s"
)
RUN = ["run", "--cell", "a123-26650-lfp", "--series", "8", "--parallel", "4", "--model", "spm"]


@pytest.fixture(scope="module")
def flight_bytes() -> bytes:
    return copter_flight().data()


def test_run_help_names_every_log_format(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "flight log (.csv, PX4 .ulg, ArduPilot .bin)" in shown


@pytest.mark.parametrize("reference", ["logs/flight.ulg", "logs/FLIGHT.BIN", "logs/f.csv"])
def test_messages_name_a_log_by_its_file_name(reference):
    assert _mission_label(argparse.Namespace(mission=reference)) == Path(reference).name


def test_sortie_run_prints_the_phases_found_in_a_log_and_its_notes(tmp_path, flight_bytes):
    path = tmp_path / "copter.bin"
    path.write_bytes(flight_bytes)
    text = sortie_here([*RUN, "--mission", str(path)])
    assert text.status == 0, text.stderr
    lines = text.stdout.splitlines()
    assert f"phases found in the log: {PHASES}" in lines
    assert (
        "notes on the log: battery instance 0 (18 Wh, the one that gave the most energy); "
        "also in the log: 1 (0.2 Wh)"
    ) in lines
    as_json = sortie_here([*RUN, "--mission", str(path), "--json"])
    assert as_json.status == 0, as_json.stderr
    flight_log = json.loads(as_json.stdout)["flight_log"]
    assert flight_log["phases"] == PHASES
    assert flight_log["notes"].startswith("battery instance 0 (18 Wh")
    assert flight_log["source"].startswith("flight log copter.bin: 1201 samples over 120 s")


def test_a_preset_mission_prints_no_log_lines():
    done = sortie_here([*RUN, "--mission", "quad-isr-loiter", "--json"])
    assert done.status == 0, done.stderr
    assert "flight_log" not in json.loads(done.stdout)


def test_a_sweep_file_names_logs_beside_it(tmp_path):
    data = {
        "base": {"mission": "flight.ulg"},
        "dimensions": [{"field": "mission", "values": ["a.BIN", "b.csv", "quad-isr-loiter"]}],
    }
    resolved = with_file_paths(data, tmp_path)
    assert resolved["base"]["mission"] == str(tmp_path / "flight.ulg")
    assert resolved["dimensions"][0]["values"] == [
        str(tmp_path / "a.BIN"), str(tmp_path / "b.csv"), "quad-isr-loiter",
    ]  # fmt: skip


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="mission_source").set_value("own").run()
    at.file_uploader(key="mission_upload").set_value((name, data, "application/octet-stream"))
    return at.run()


def _captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def test_the_app_flies_an_uploaded_dataflash_log_and_shows_its_phases(flight_bytes):
    at = _upload(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run(), "copter.bin",
                 flight_bytes)  # fmt: skip
    assert not at.exception and not at.error, [e.value for e in at.error]
    captions = _captions(at)
    assert f"Phases found in the log: {PHASES}" in captions, captions
    assert any(c.startswith("Notes on the log: battery instance 0 (18 Wh") for c in captions)
    uploader = at.file_uploader(key="mission_upload")
    assert "ArduPilot .bin" in uploader.label and "5 MB" in uploader.help


def test_the_app_shows_a_logs_phases_in_german(flight_bytes):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "de"
    at = _upload(at.run(), "copter.bin", flight_bytes)
    assert not at.exception and not at.error, [e.value for e in at.error]
    captions = _captions(at)
    phases = next(c for c in captions if c.startswith("In der Aufzeichnung gefundene Phasen: "))
    assert "Start 10–11,5 s" in phases and "Landung 98,6–100 s" in phases
    notes = next(c for c in captions if c.startswith("Hinweise zur Aufzeichnung: "))
    assert not english_in_german(notes.removeprefix("Hinweise zur Aufzeichnung: ")), notes
    assert "5 MB" in at.file_uploader(key="mission_upload").help


def test_a_broken_log_upload_is_one_plain_line(flight_bytes):
    at = _upload(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run(), "cut.bin",
                 flight_bytes[:700])  # fmt: skip
    assert not at.exception
    assert [e.value for e in at.error] == [
        "cut.bin: no BAT or CURR message in the log (found ARM, EV); set LOG_BITMASK to log the "
        "battery (BATT_MONITOR must be on) to fly the log as a mission"
    ]


def test_the_app_keeps_its_upload_cap_for_logs():
    assert MAX_UPLOAD_BYTES == 5_000_000
