"""Every scenario also passes with the LLM engine, driven by the offline scripted model."""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.devtools.scenarios import run_scenario
from tests.test_scenarios import SCENARIOS

pytestmark = pytest.mark.slow  # every scenario again


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_with_the_llm_engine(path: Path, tmp_path: Path) -> None:
    """The conversation meets its expectations through LLMUnderstander, at most one call a turn."""
    result = run_scenario(path, workdir=tmp_path, engine="scripted-llm")
    assert result.failure is None, f"{result.failure}\n" + "\n".join(result.transcript)
    assert max(result.llm_calls, default=0) <= 1
