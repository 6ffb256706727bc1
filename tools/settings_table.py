"""Print the README's configuration table from config.SETTINGS (the one list)."""

import config

if __name__ == "__main__":
    print("| variable | default | meaning |\n|---|---|---|")
    for s in config.SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        print(f"| `{s.name}` | {default} | {s.help} |")
