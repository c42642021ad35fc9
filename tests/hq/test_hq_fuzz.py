"""A third-party API fuzzer agrees with the published contract (docs/hq-api-v1.json).

Schemathesis (maintained elsewhere, not written here) reads the document the reference HQ
serves and sends it generated requests, valid and invalid, over real HTTP on 127.0.0.1, with
every one of its checks on: no server error, only documented status codes, bodies and
headers as documented, valid data taken, invalid data refused, auth enforced. It runs with a
fixed seed and a bounded number of examples per operation (tests/hq/fuzz/schemathesis.toml,
which also says, with reasons, what the fuzzer cannot be told), on SQLite and on PostgreSQL
when $HQ_TEST_POSTGRES_URL is set. Reproduce a failure with the command it prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hqkit import HQEnv

pytestmark = pytest.mark.slow

FUZZ = Path(__file__).resolve().parent / "fuzz"
REPO = FUZZ.parents[2]


def run_schemathesis(env: HQEnv, workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
        "--config-file",
        str(FUZZ / "schemathesis.toml"),
        "--no-color",
        "run",
        f"{env.url}/openapi.json",
        "--checks",
        "all",
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {env.tokens['S1']}",
    ]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(FUZZ), str(REPO)])}
    return subprocess.run(
        command,
        cwd=workdir,  # whatever it writes stays out of the repository
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_schemathesis_finds_the_document_and_the_server_agree(
    hq_env: HQEnv, tmp_path: Path
) -> None:
    done = run_schemathesis(hq_env, tmp_path)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20000:]
    summary = [line for line in report.splitlines() if "generated" in line]
    assert summary and "passed" in summary[-1], report[-5000:]
    assert "Operations:       9 selected / 9 total" in report, report[-5000:]
