"""A real Mosquitto run with the README's configuration and ACL (without TLS), so
that what the README tells an operator is what the tests check."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

from tests.conftest import ROOT, _unavailable, free_port
from tests.helpers import wait_for

CONF_BLOCK = "# /etc/mosquitto/conf.d/ioc.conf"
ACL_BLOCK = "# /etc/mosquitto/ioc.acl"


def readme_block(first_line: str) -> str:
    """The README's fenced block that starts with ``first_line``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", readme, flags=re.S)
    found = [b for b in blocks if b.startswith(first_line + "\n")]
    assert len(found) == 1, f"README has no single block starting {first_line!r}"
    return found[0]


class ReadmeMosquitto:
    """Mosquitto on a free port of 127.0.0.1 with the README's configuration: its
    accounts ``users`` (name: password), its files in ``folder``. ``without`` drops
    the README's lines setting these options (Mosquitto's defaults for them)."""

    def __init__(
        self, folder: Path, users: dict[str, str], without: tuple[str, ...] = ()
    ) -> None:
        for tool in ("mosquitto", "mosquitto_passwd"):
            if not shutil.which(tool):
                _unavailable(f"the {tool} binary", "not installed")
        passwd, acl = folder / "ioc.passwd", folder / "ioc.acl"
        for i, (user, password) in enumerate(users.items()):
            create = ["-c"] if i == 0 else []
            subprocess.run(
                ["mosquitto_passwd", *create, "-b", str(passwd), user, password],
                check=True,
            )
        acl.write_text(readme_block(ACL_BLOCK), encoding="utf-8")
        self.port = free_port()
        store = folder / "mosquitto-store"
        store.mkdir(exist_ok=True)
        conf = []
        for line in readme_block(CONF_BLOCK).splitlines():
            option = line.split(" ", 1)[0]
            if option in ("certfile", "keyfile") or option in without:
                continue  # the test speaks plain MQTT
            if option == "listener":
                line = f"listener {self.port} 127.0.0.1"
            elif option == "persistence_location":
                line = f"persistence_location {store}/"
            conf.append(
                line.replace("/etc/mosquitto/ioc.passwd", str(passwd)).replace(
                    "/etc/mosquitto/ioc.acl", str(acl)
                )
            )
        if os.geteuid() == 0:
            # Started as root, Mosquitto drops to its own user, which cannot read
            # pytest's private temp folder.
            conf.append("user root")
        self.conf_text = "\n".join(conf) + "\n"
        self.conf_file = folder / "mosquitto.conf"
        self.conf_file.write_text(self.conf_text, encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def start(self) -> ReadmeMosquitto:
        proc = self.proc = subprocess.Popen(
            ["mosquitto", "-c", str(self.conf_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

        def listening() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"mosquitto exited: {proc.stderr.read()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(listening, timeout=10, message="mosquitto listening")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
