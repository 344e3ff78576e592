"""The core stays headless: importing it loads neither streamlit nor plotly."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_core_imports_neither_streamlit_nor_plotly():
    code = ("import sys, bottleneck_core; from bottleneck_core import run_pipeline; "
            "import bottleneck_core.cli, bottleneck_core.exports, bottleneck_core.sample; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_worker_starts_without_pandas():
    # It parses workbooks and writes the report from plain lists: a worker that is quick to replace.
    code = ("import sys, bottleneck_core.sheet_worker; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'numpy', 'pyarrow', 'duckdb')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
