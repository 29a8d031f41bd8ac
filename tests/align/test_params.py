"""The calibrated parameters: a missing or stale params.json is an error, never a fallback."""

from __future__ import annotations

import json

import pytest

from workbench.align.scorer import FEATURES, PARAMS_PATH, load_params
from workbench.errors import WorkbenchError


def test_the_shipped_file_loads_and_names_its_features():
    p = load_params()
    assert len(p.weights) == len(FEATURES) and p.paragraph is not None
    assert json.loads(p.to_json())["features"] == list(FEATURES)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(WorkbenchError, match="missing; run scripts/calibrate_align.py"):
        load_params(tmp_path / "params.json")


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(weights=d["weights"][:-1]), "weights for"),
    (lambda d: d.update(features=list(FEATURES)[:-1] + ["gone"]), "fitted for the features"),
    (lambda d: d.update(old_knob=1), "unknown keys old_knob"),
    (lambda d: d["paragraph"].update(weights=[0.0]), "weights for"),
])
def test_a_stale_file_is_an_error(tmp_path, edit, message):
    data = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message):
        load_params(path)


def test_an_unreadable_file_is_an_error(tmp_path):
    path = tmp_path / "params.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="cannot be read"):
        load_params(path)
