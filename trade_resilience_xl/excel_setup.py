"""``trade-resilience excel-setup``: connect Excel on this machine to this Python environment.

Three steps, planned first and printed, then run (Windows and macOS only):

1. Install the xlwings add-in of *this* environment (``<python> -m xlwings.cli addin
   install``). The module form matters: xlwings has no ``__main__``, so ``python -m
   xlwings`` fails; and calling the ``xlwings`` script on PATH could reach another
   environment whose add-in DLL version does not match the pinned package.
2. Pin the interpreter in xlwings' user config (``"INTERPRETER_WIN","<python>"``, the line
   format xlwings' own ``config create`` writes). ``addin install`` writes that key only when
   the file does not exist yet, so an old interpreter would stay; the key is replaced here,
   other keys are kept and blank lines dropped (xlwings reads the file line by line and
   blank lines have broken its COM server start, xlwings #1166). The file is read and written
   as xlwings writes it (``open()`` in text mode with no encoding: the locale's code page,
   on Windows the ANSI code page such as cp936 on Chinese Windows), which is also what the
   add-in's VBA reads it with. An interpreter path that code page cannot hold is refused
   before anything changes.
3. Put the template workbook into the user's Documents folder (an existing file of that
   name is kept unless ``force``: it may hold the user's data).

Elsewhere (Linux) Excel does not exist: the plan is printed and nothing happens.
"""
from __future__ import annotations

import locale
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_NAME = "workbook_template.xlsm"
SUPPORTED = {"win32": "WIN", "darwin": "MAC"}

#: The encoding of xlwings' user config. xlwings 0.37.8 opens it with ``open(path, "r")``
#: / ``open(path, "w")`` and no encoding (cli.update_user_config, cli.config_create,
#: utils.read_user_config), i.e. Python's "locale" encoding; the add-in reads it with VBA
#: ``Input #``, in the system's ANSI code page, which that is on Windows.
XLWINGS_CONFIG_ENCODING = "locale"


def current_platform() -> str:
    """``sys.platform``; a function so tests can pretend to be Windows or macOS."""
    return sys.platform


def run_command(argv: list[str]) -> None:
    """Run a setup command, output passing through; raise on failure (tests replace it)."""
    subprocess.run(argv, check=True)


class SetupRefused(Exception):
    """A reason not to start (one line, worded for the user)."""


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Step:
    description: str
    action: Callable[[], None]
    #: Raises SetupRefused when the step could not succeed; every step's check runs
    #: before the first step does, so a refusal changes nothing.
    check: Callable[[], None] = _nothing


def user_config_file(platform: str, home: Path) -> Path:
    """Where xlwings 0.37.8 reads its user config (``xlwings.USER_CONFIG_FILE``)."""
    if platform == "darwin":
        # Excel for Mac is sandboxed; xlwings keeps its config inside Excel's container.
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def documents_folder(platform: str, home: Path) -> Path:
    """The user's Documents folder (Windows: the real one, even when OneDrive moved it)."""
    if platform == "win32" and sys.platform == "win32":
        try:
            import ctypes

            buffer = ctypes.create_unicode_buffer(260)
            # CSIDL_PERSONAL (5) = "Documents"; follows folder redirection.
            if ctypes.windll.shell32.SHGetFolderPathW(None, 5, None, 0, buffer) == 0:
                return Path(buffer.value)
        except (AttributeError, OSError):
            pass
    return home / "Documents"


def encoding_name(encoding: str) -> str:
    """The codec behind ``encoding`` ("locale" as ``open()`` resolves it)."""
    return locale.getpreferredencoding(False) if encoding == "locale" else encoding


def check_interpreter_fits(interpreter: str, encoding: str = XLWINGS_CONFIG_ENCODING) -> None:
    """Refuse an interpreter path that xlwings' config (in ``encoding``) cannot hold."""
    codec = encoding_name(encoding)
    try:
        interpreter.encode(codec)
    except UnicodeEncodeError:
        raise SetupRefused(
            f"the Python path {interpreter} has characters that this system's code page "
            f"({codec}) cannot hold, and the xlwings add-in reads its config in that code "
            "page: make the virtual environment in a folder whose path it can hold "
            "(e.g. C:\\venvs\\trade-resilience) and run excel-setup from there") from None


def other_config_lines(config_file: Path, key: str,
                       encoding: str = XLWINGS_CONFIG_ENCODING) -> list[str]:
    """The lines of an xlwings user config that do not set ``key`` (blank lines dropped)."""
    lines = []
    if config_file.exists():
        try:
            text = config_file.read_text(encoding=encoding)
        except UnicodeDecodeError:
            raise SetupRefused(f"{config_file} is not in this system's code page "
                               f"({encoding_name(encoding)}), in which xlwings and its add-in "
                               "read it: correct or delete that file, then run excel-setup "
                               "again") from None
        for line in text.splitlines():
            if not line.strip():
                continue
            first = line.split(",", 1)[0].strip().strip('"')
            if first.casefold() != key.casefold():   # xlwings matches keys case-insensitively
                lines.append(line)
    return lines


def pin_interpreter(config_file: Path, key: str, interpreter: str,
                    encoding: str = XLWINGS_CONFIG_ENCODING) -> None:
    """Set ``"key","interpreter"`` in an xlwings user config, keeping the other keys; the
    file is read and written in ``encoding``, as xlwings does (see XLWINGS_CONFIG_ENCODING)."""
    check_interpreter_fits(interpreter, encoding)
    lines = other_config_lines(config_file, key, encoding)
    lines.append(f'"{key}","{interpreter}"')
    config_file.parent.mkdir(parents=True, exist_ok=True)
    # Text mode, as xlwings writes it: "\r\n" line ends on Windows.
    config_file.write_text("\n".join(lines) + "\n", encoding=encoding)


def committed_template() -> Path | None:
    """The template file this installation carries, or None.

    Its one source is workbook_template.xlsm at the repository root. An editable install
    (a clone) reads it there; a wheel carries a copy as package data (setup.py copies it
    at build time), since a wheel cannot reach the repository.
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "data" / TEMPLATE_NAME, package.parent / TEMPLATE_NAME):
        if candidate.is_file():
            return candidate
    return None


def place_template(destination: Path, force: bool) -> str:
    """Copy the shipped or committed template to ``destination`` (build it when there is none)."""
    if destination.exists() and not force:
        return f"kept the existing {destination} (use --force to replace it)"
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = committed_template()
    if source is not None:
        shutil.copyfile(source, destination)
    else:
        from trade_resilience_xl.workbook.template.builder import build_workbook

        build_workbook(destination, macro_enabled=True)
    return f"wrote {destination}"


def plan(force: bool = False, interpreter: str | None = None,
         encoding: str = XLWINGS_CONFIG_ENCODING) -> tuple[str, list[Step]]:
    """The platform and the steps excel-setup takes there (empty list: unsupported)."""
    platform = current_platform()
    python = interpreter or sys.executable
    if platform not in SUPPORTED:
        platform_for_text = "win32"    # show what Windows would get
    else:
        platform_for_text = platform
    home = Path.home()
    config_file = user_config_file(platform_for_text, home)
    key = f"INTERPRETER_{SUPPORTED[platform_for_text]}"
    template = documents_folder(platform_for_text, home) / TEMPLATE_NAME
    command = [python, "-m", "xlwings.cli", "addin", "install"]

    def check_config() -> None:
        check_interpreter_fits(python, encoding)
        other_config_lines(config_file, key, encoding)

    steps = [
        Step("install the xlwings add-in of this environment: " + " ".join(command),
             lambda: run_command(command)),
        Step(f'set "{key}","{python}" in {config_file}',
             lambda: pin_interpreter(config_file, key, python, encoding), check_config),
        Step(f"copy the template workbook to {template}",
             lambda: print("  " + place_template(template, force))),
    ]
    return platform, steps


def warnings_for(interpreter: str) -> list[str]:
    """Known trouble with this interpreter (the shared notes' recurring problems)."""
    notes = []
    if "WindowsApps" in interpreter:
        notes.append("this Python comes from the Microsoft Store; Excel often cannot start it "
                     "(\"Could not activate Python COM server\"). Prefer a python.org install.")
    if os.environ.get("CONDA_DEFAULT_ENV"):
        notes.append("this is a conda environment; xlwings may also need Conda Path / Conda "
                     "Env in its config. A plain venv avoids that.")
    return notes


def excel_setup(dry_run: bool = False, force: bool = False, out=print,
                interpreter: str | None = None,
                encoding: str = XLWINGS_CONFIG_ENCODING) -> int:
    """Print the plan, then run it on Windows/macOS unless ``dry_run``; return an exit code.
    Raises SetupRefused (before changing anything) when a step could not succeed."""
    platform, steps = plan(force=force, interpreter=interpreter, encoding=encoding)
    supported = platform in SUPPORTED
    if supported:
        for step in steps:
            step.check()
    if not supported:
        out(f"Excel is not available on this platform ({platform}); nothing was changed.")
        out("On Windows or macOS, `trade-resilience excel-setup` would:")
    elif dry_run:
        out("Dry run: nothing is changed. excel-setup would:")
    else:
        out("Setting up Excel for this Python environment:")
    for number, step in enumerate(steps, start=1):
        out(f"  {number}. {step.description}")
    for note in warnings_for(sys.executable):
        out(f"  note: {note}")
    if not supported or dry_run:
        return 0
    for number, step in enumerate(steps, start=1):
        out(f"[{number}/{len(steps)}] {step.description}")
        step.action()
    out("Done. Restart Excel, open the template and use the Trade Resilience tab.")
    return 0
