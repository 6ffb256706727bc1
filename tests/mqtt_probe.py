"""A recording MQTT client for the broker permission tests (embedded amqtt and
Mosquitto), the ``probes`` fixture in conftest opens and closes them."""

from __future__ import annotations

import uuid

import paho.mqtt.client as mqtt

from tests.helpers import wait_for


class Probe:
    """A paho client that records its CONNACK, SUBACKs, messages and disconnects."""

    def __init__(
        self,
        port: int,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        clean_session: bool = True,
        will_topic: str | None = None,
    ) -> None:
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"t-{uuid.uuid4().hex[:8]}",
            clean_session=clean_session,
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        if will_topic is not None:
            self.client.will_set(will_topic, b'{"pm25": 1}', qos=1)
        self.connacks: list = []
        self.subacks: dict[int, list] = {}
        self.messages: list[tuple[str, bytes]] = []
        self.disconnects: list = []
        self.client.on_connect = lambda c, u, f, rc, p: self.connacks.append(rc)
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda c, u, m: self.messages.append(
            (m.topic, m.payload)
        )
        self.client.on_disconnect = lambda c, u, f, rc, p: self.disconnects.append(rc)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        wait_for(lambda: self.connacks, message="CONNACK")

    @property
    def accepted(self) -> bool:
        return not self.connacks[0].is_failure

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:  # noqa: ANN001
        self.subacks[mid] = list(reason_codes)

    def subscribe(self, topic: str) -> bool:
        """Whether the broker granted the subscription (its SUBACK)."""
        _, mid = self.client.subscribe(topic, qos=1)
        wait_for(lambda: mid in self.subacks, message=f"SUBACK for {topic}")
        return not any(rc.is_failure for rc in self.subacks[mid])

    def publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def got(self, payload: bytes) -> list[str]:
        return [t for t, p in self.messages if p == payload]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
