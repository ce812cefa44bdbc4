"""Shared fixtures, tolerances, data paths and the hypothesis profile."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
#: Real public event data kept beside the checkout (never committed): ``real/`` and ``icews18/``.
#: Tests that read it skip when it is absent. ``TENSION_DATA`` points elsewhere (as for the notebooks).
EXTERNAL_DATA = Path(os.environ.get("TENSION_DATA") or ROOT.parent / "shared" / "data")
REAL_DATA = EXTERNAL_DATA / "real"
ICEWS18 = EXTERNAL_DATA / "icews18"


def need(path: Path) -> Path:
    """Return ``path``, or skip the calling test when the external data is absent."""
    if not path.exists():
        pytest.skip(f"external data not present: {path.name}")
    return path


#: Relative tolerance of the kernel against the plain-loop reference.
RTOL = 1e-9

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def seed_events():
    import tension as tn

    return tn.datasets.pakistan_iran_2024()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def model_reference(ev, model):
    """The plain-loop reference (``tests/reference.py``) of ``ev`` under ``model``: the
    rows as validation reads them, the model's parameters, the default weights."""
    from reference import Reference, params_of, rows_of

    import tension as tn
    from tension.taxonomy import kind_quad_classes, resolve_weights

    rows = rows_of(tn.read_events(ev, weights=model.weights, duplicates="keep"))
    return Reference(rows, params_of(model), resolve_weights(), kind_quad_classes())
