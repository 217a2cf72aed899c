"""Ships the committed workbook_template.xlsm inside the wheel; all other metadata is in
pyproject.toml.

The template's one source is the file at the repository root (users open it from a clone,
tests compare it with a fresh build). A wheel cannot reach the repository, so building one
copies that file to trade_resilience_xl/data/; an editable install reads it in place.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATE = "workbook_template.xlsm"


class BuildPyWithTemplate(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "trade_resilience_xl" / "data" / TEMPLATE
            self.copy_file(TEMPLATE, str(target))


setup(cmdclass={"build_py": BuildPyWithTemplate})
