"""The README's Python example runs as written, from the repository root."""

from __future__ import annotations

import contextlib
import io
import os
import re

from conftest import REPO


def python_section_code() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return str(blocks[0])


def test_readme_example_runs() -> None:
    code = python_section_code()
    assert len(code.strip().splitlines()) <= 16
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    assert "error chain.order_reversed (certificate None)" in printed
    assert "hint: Reverse the bundle" in printed
    last = printed.strip().splitlines()[-1]
    assert last.startswith("True CN=acme-payments client")
    assert "2044-01-01 00:00:00+00:00" in last
