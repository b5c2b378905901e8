"""The CI's 60-second soak: 32 clients on loopback against a real `pathways serve`; 0 errors, a stable
p95 and RSS growth <= 10% after the warm-up (see evals/soak.py). Runs only when asked for:
`python -m pytest -m soak` (about 2-3 minutes: start-up, warm-up, then 60 s measured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import Settings

pytestmark = pytest.mark.soak
PATHWAYS = Path(sys.executable).with_name("pathways")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _only_when_asked(request: pytest.FixtureRequest) -> None:
    if "soak" not in (request.config.option.markexpr or "") or "not soak" in request.config.option.markexpr:
        pytest.skip("the soak runs only with `-m soak`")


def test_soak_60_seconds(request: pytest.FixtureRequest, tmp_path: Path):
    settings: Settings = request.getfixturevalue("real_settings")  # the real index, ingested once
    out = tmp_path / "soak.json"
    env = {**os.environ, "PATHWAYS_DATA_DIR": str(settings.data_dir),
           "PATHWAYS_KNOWLEDGE_DIR": str(settings.knowledge_dir)}
    result = subprocess.run([str(PATHWAYS), "bench", "--soak", "60", "--concurrency", "32",
                             "--out", str(out)],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=420, check=False)
    assert out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    soak = json.loads(out.read_text())
    assert soak["verdict"] == "PASS" and result.returncode == 0, result.stdout[-3000:]
    assert soak["errors"] == 0 and soak["requests"] > 0
