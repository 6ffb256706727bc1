"""Print the README's configuration table from config.SETTINGS (the one list).

python -m tools.settings_table
"""

import config

HEADER = "| variable | default | meaning |\n|---|---|---|"


def row(setting: config.Setting) -> str:
    """The README table's line of ``setting``."""
    default = f"`{setting.default}`" if setting.default else "(empty)"
    return f"| `{setting.name}` | {default} | {setting.help} |"


def table() -> str:
    return "\n".join([HEADER, *(row(s) for s in config.SETTINGS)])


if __name__ == "__main__":
    print(table())
