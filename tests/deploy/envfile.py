"""Read deploy/env.example, and find every environment variable the settings read
(cowork/config/settings.py and its messaging.py)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
SETTINGS = [ROOT / "cowork" / "config" / name for name in ("settings.py", "messaging.py")]

# django-environ's readers (env.str(...), env.db_url(...), env(...)) and os.environ/getenv.
ENV_READERS = {
    "str", "bool", "int", "float", "list", "tuple", "dict", "json", "url",
    "db_url", "db", "cache_url", "cache", "email_url", "email", "search_url", "path",
}  # fmt: skip


def names_read_by_settings(source: str | None = None) -> set[str]:
    if source is None:
        return set().union(*(names_read_by_settings(path.read_text()) for path in SETTINGS))
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        called = ast.unparse(func)
        reads_env = (
            # env("NAME"), env.str("NAME", ...), env.db_url("NAME")
            called == "env"
            or (called.startswith("env.") and func.attr in ENV_READERS)
            or called in ("os.environ.get", "os.getenv", "environ.get")
        )
        if reads_env:
            names.add(first.value)
    return names


def documented_names(text: str | None = None) -> dict[str, str]:
    """NAME -> its explanation, set or commented out.

    The explanation is the comment right above a name; names that follow it without a blank
    line (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) share it.
    """
    names: dict[str, str] = {}
    comment: list[str] = []
    after_name = False
    for raw in (text if text is not None else ENV_EXAMPLE.read_text()).splitlines():
        line = raw.strip()
        candidate = line.lstrip("#").strip()
        name = candidate.split("=", 1)[0]
        if "=" in candidate and name.isupper() and name.replace("_", "").isalnum():
            names[name] = " ".join(comment)
            after_name = True
        elif line.startswith("#"):
            if after_name:
                comment, after_name = [], False
            comment.append(candidate)
        else:
            comment, after_name = [], False
    return names


def environment(text: str | None = None) -> dict[str, str]:
    """The variables env.example sets (not the commented-out ones), as systemd would read them."""
    values = {}
    for raw in (text if text is not None else ENV_EXAMPLE.read_text()).splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values
