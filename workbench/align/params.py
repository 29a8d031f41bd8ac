"""The calibrated parameters of the scorer and the search (``params.json``).

:func:`load_params` reads them; a missing, unreadable or stale file (fitted for another
feature set, or holding keys this version does not know) is an error, never a silent
fallback to defaults: ``scripts/calibrate_align.py`` fits them again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError

__all__ = ["FEATURES", "PARAMS_PATH", "Params", "load_params"]

FEATURES = ("sim", "margin", "cov_src", "cov_tgt", "agree_src", "agree_tgt", "has_agree",
            "len_z2", "anchor_shared", "anchor_missing", "extra", "many", "src_multi",
            "agree_min")
PARAMS_PATH = Path(__file__).with_name("params.json")


@dataclass
class Params:
    """Calibrated scorer and search parameters (see ``params.json``)."""

    weights: list[float] = field(default_factory=lambda: [-5.0, 19.0, 3.5, 3.9, 0.0, 0.0, 0.0,
                                                          -0.45, 0.05, -0.15, -3.0, -4.4, -0.1,
                                                          0.0])
    bias: float = -3.0
    len_mu: float = 0.1
    len_sigma: float = 0.25
    knn: int = 2
    del_score: float = -2.0
    ins_score: float = -2.0
    move_threshold: float = 0.5
    boilerplate_weight: float = 2.0
    multi_bonus: float = 0.0
    min_link_prob: float = 0.05
    min_sim: float = 0.2
    release_below: float = 0.2
    #: the insertion of a non-boilerplate segment left beside deletions between the same
    #: two links is charged this much more when the segments between those links are
    #: re-aligned (``engine.fill_gaps``; 0 leaves them as they are)
    gap_penalty: float = 0.0
    #: log-odds charged to a 2:2 link that two 1:1 links on its diagonal explain as well
    #: (:mod:`workbench.align.split`; the translation profile's, 0 in the fitted file)
    split_penalty: float = 0.0
    note: str = ""
    #: per kind of link, the monotone map from raw to calibrated confidence
    #: (``{"match": {"x": [...], "y": [...]}, ...}``, see :mod:`workbench.align.confidence`)
    confidence: dict | None = None
    #: the features the weights were fitted for (checked on loading: a file fitted for
    #: another feature set is stale)
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    #: the profile used when segments hold several sentences (paragraphs): its sentences
    #: are aligned with this (sentence) profile first, the segments with that one
    paragraph: "Params | None" = None
    #: merge consecutive paragraph links a confident sentence link crosses
    #: (:mod:`workbench.align.crossing`; the translation profile's)
    join_crossing: bool = False
    # -- switches (on in use; off only to measure what each brings) ---------------------
    #: widen the length model to each document's looseness (:mod:`workbench.align.adapt`)
    adapt_length: bool = True
    #: ... and move its mean to the document's when that lies far from the fitted one
    shift_mean: bool = True
    #: cut boilerplate phrases glued into English sentences out as sentences of their own
    split_boilerplate: bool = True
    #: transliterated names are anchors (:mod:`workbench.align.anchors`)
    name_anchors: bool = True
    #: a moved block absorbs the unlinked segments beside it when that scores better
    grow_moves: bool = True
    #: a move may keep the rest of an n:m link it takes an edge segment from
    remainders: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


_REFIT = "run scripts/calibrate_align.py to fit it again"


def load_params(path: str | Path | None = None) -> Params:
    """The calibrated parameters; a missing, unreadable or stale file is an error.

    Stale: weights for another feature set than :data:`FEATURES`, or keys this
    version does not know (a file from another version of the aligner).
    """
    p = Path(path) if path is not None else PARAMS_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"the aligner's calibrated parameters are missing; {_REFIT}",
                             path=p) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WorkbenchError(f"the aligner's calibrated parameters cannot be read ({exc}); "
                             f"{_REFIT}", path=p) from None
    if not isinstance(data, dict):
        raise WorkbenchError(f"the aligner's calibrated parameters are not an object; {_REFIT}",
                             path=p)
    return _params_from_dict(data, p)


def _params_from_dict(data: dict, path: Path | None = None) -> Params:
    unknown = sorted(set(data) - set(Params.__dataclass_fields__))
    if unknown:
        raise WorkbenchError(f"stale calibrated parameters: unknown keys {', '.join(unknown)}; "
                             f"{_REFIT}", path=path)
    known = dict(data)
    if "features" in known and list(known["features"]) != list(FEATURES):
        raise WorkbenchError("stale calibrated parameters: fitted for the features "
                             f"{', '.join(known['features'])}, not {', '.join(FEATURES)}; "
                             f"{_REFIT}", path=path)
    if len(known.get("weights", FEATURES)) != len(FEATURES):
        raise WorkbenchError(f"stale calibrated parameters: {len(known['weights'])} weights for "
                             f"{len(FEATURES)} features; {_REFIT}", path=path)
    if isinstance(known.get("paragraph"), dict):
        known["paragraph"] = _params_from_dict(known["paragraph"], path)
    return Params(**known)
