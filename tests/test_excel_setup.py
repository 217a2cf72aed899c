"""excel-setup and xlwings' user config: the file is read and written in the encoding xlwings
uses for it (the locale's code page: cp936 on Chinese Windows), and an interpreter path that
code page cannot hold is refused before anything changes. The encoding is a parameter, so
these run on Linux with cp936 and cp1252."""
from __future__ import annotations

import ast
import inspect

import pytest
import xlwings.cli
import xlwings.utils

from trade_resilience_xl import cli, excel_setup

CHINESE_PYTHON = "C:\\Users\\张三\\venvs\\tr\\Scripts\\python.exe"


def _user_config_opens(function) -> list[ast.Call]:
    """The open() calls of ``function`` whose path is xlwings.USER_CONFIG_FILE."""
    tree = ast.parse(inspect.getsource(function).lstrip())
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open"
            and "USER_CONFIG_FILE" in ast.unparse(node.args[0])]


@pytest.mark.parametrize("function", [xlwings.cli.update_user_config, xlwings.cli.config_create,
                                      xlwings.utils.read_user_config])
def test_xlwings_opens_its_user_config_in_the_locale_encoding(function):
    """What XLWINGS_CONFIG_ENCODING = "locale" mirrors: xlwings 0.37.8 passes no encoding
    (and no newline) to open(), so Python uses the locale's code page and text mode."""
    opens = _user_config_opens(function)
    assert opens
    for call in opens:
        assert len(call.args) == 2 and not call.keywords, ast.unparse(call)
    assert excel_setup.XLWINGS_CONFIG_ENCODING == "locale"


def test_a_cp936_file_written_by_xlwings_is_read_and_round_trips(tmp_path):
    config = tmp_path / "xlwings.conf"
    # As xlwings' config_create + license update write it on Chinese Windows: cp936, CRLF.
    config.write_bytes('"INTERPRETER_WIN","C:\\Users\\张三\\old\\python.exe"\r\n'
                       '"LICENSE_KEY","许可"\r\n'.encode("cp936"))
    excel_setup.pin_interpreter(config, "INTERPRETER_WIN", CHINESE_PYTHON, encoding="cp936")
    written = config.read_bytes()
    # (write_text's text mode gives "\n" on Linux, "\r\n" on Windows, as xlwings' open(path, "w").)
    assert written == ('"LICENSE_KEY","许可"\n'
                       f'"INTERPRETER_WIN","{CHINESE_PYTHON}"\n').encode("cp936")
    with pytest.raises(UnicodeDecodeError):
        written.decode("utf-8")              # really cp936, not UTF-8
    # ... and what the add-in and xlwings.utils.read_user_config read back from it:
    assert excel_setup.other_config_lines(config, "LICENSE_KEY", encoding="cp936") == [
        f'"INTERPRETER_WIN","{CHINESE_PYTHON}"']


def test_an_interpreter_the_code_page_cannot_hold_is_refused_before_any_change(
        tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(excel_setup, "current_platform", lambda: "win32")
    ran = []
    monkeypatch.setattr(excel_setup, "run_command", ran.append)
    polish = "C:\\Users\\Łukasz\\venv\\Scripts\\python.exe"       # Ł is not in cp1252
    with pytest.raises(excel_setup.SetupRefused) as refusal:
        excel_setup.excel_setup(interpreter=polish, encoding="cp1252", out=lambda line: None)
    message = str(refusal.value)
    assert "\n" not in message and polish in message and "cp1252" in message
    assert "C:\\venvs\\trade-resilience" in message
    assert ran == [] and list(home.iterdir()) == []
    # The same path is fine where the code page holds it (cp1250, Central European).
    excel_setup.check_interpreter_fits(polish, "cp1250")


def test_a_config_not_in_the_code_page_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    config = home / ".xlwings" / "xlwings.conf"
    config.parent.mkdir(parents=True)
    config.write_bytes('"LICENSE_KEY","许可"\n'.encode())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(excel_setup, "current_platform", lambda: "win32")
    monkeypatch.setattr(excel_setup, "run_command", lambda argv: pytest.fail("ran a step"))
    original = excel_setup.excel_setup
    monkeypatch.setattr(excel_setup, "excel_setup",
                        lambda **kwargs: original(encoding="ascii", **kwargs))
    assert cli.main(["excel-setup"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(config) in err and "(ascii)" in err
    assert config.read_bytes() == '"LICENSE_KEY","许可"\n'.encode()
