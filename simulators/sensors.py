"""A simulated sensor fleet for the province, publishing over MQTT (JSON and SenML).

Values are a deterministic function of (seed, sensor, time), in Vietnam time: rush
hours 7-9 and 16:30-19 for traffic, noise and NO2; PM2.5 higher at night and in the
morning, in winter, washed out by rain, with occasional spikes; street lights from
dusk to dawn (dusk moving with the season); car parks full in office hours; rain
episodes shared by the whole province (wet season May-October) that raise the rivers
a day later. Now and then a sensor is silent for ten minutes (so it goes stale), and
the profile's faulty sensor sometimes sends out-of-range values or a stuck payload.
``history`` gives the same shapes, vectorised with numpy, for backfills.

    python -m simulators.sensors --url mqtt://127.0.0.1:1883 --size 0 --rate 1
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import logging
import math
import random
import signal
import threading
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt

import province
from mqtt_url import parse_broker_url, redact

log = logging.getLogger(__name__)

VN_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh has no daylight saving time
DAY_S = 86_400
RAIN_BLOCK_S = 3 * 3600  # rain comes in province-wide episodes of three hours
RIVER_LAG_BLOCKS = 40  # a river remembers five days of rain
DROPOUT_WINDOW_S = 600
DROPOUT_SHARE = 0.015  # of ten-minute windows in which a sensor is silent
FAULT_WINDOW_S = 60
STUCK_WINDOW_S = 600
# The river's answer to rain: rises for about a day, recedes over four (sums to 1).
_K = np.arange(RIVER_LAG_BLOCKS, dtype=np.float64)
RIVER_KERNEL = _K**2 * np.exp(-_K / 3.5)
RIVER_KERNEL /= RIVER_KERNEL.sum()
TOPIC_PREFIX = "ioc/sensors"
DEFAULT_PROFILE = Path(__file__).resolve().parents[1] / "profiles" / "bac-ninh.json"


def topic_for(sensor_id: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}/{sensor_id}/data"


@lru_cache(maxsize=65_536)
def _key(*parts: object) -> int:
    """A stable 64-bit key for a stream of random numbers (Python's hash() is salted
    per process, so it would not be deterministic)."""
    h = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8)
    return int.from_bytes(h.digest(), "big")


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = 0x9E3779B97F4A7C15


def _mix(key: int, x: np.ndarray) -> np.ndarray:
    """splitmix64 of integer ``x`` under ``key``: independent 64-bit values per x."""
    z = x.astype(np.int64).astype(np.uint64) + np.uint64((key * _GOLD) & (2**64 - 1))
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _uniform(key: int, x: np.ndarray) -> np.ndarray:
    return (_mix(key, x) >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _normal(key: int, x: np.ndarray) -> np.ndarray:
    """Bell-shaped noise, mean 0, sd 1, bounded by ±3: three 21-bit uniforms from one
    hash, summed."""
    z = _mix(key, x)
    mask = np.uint64(0x1FFFFF)
    total = np.zeros(z.shape, dtype=np.float64)
    for shift in (0, 21, 42):
        total += ((z >> np.uint64(shift)) & mask).astype(np.float64)
    return (total / 2.0**21 - 1.5) * 2.0


def _rain(seed: int, blocks: np.ndarray) -> np.ndarray:
    """Province-wide rain (mm/h) in each three-hour block: showers and storms in the
    wet season, drizzle in winter, an exponential tail for the heavy ones."""
    mid = blocks * RAIN_BLOCK_S + RAIN_BLOCK_S / 2
    doy = ((mid + VN_OFFSET_S) / DAY_S) % 365.25
    wet = 0.5 * (1 + np.cos(2 * np.pi * (doy - 215) / 365.25))
    raining = _uniform(_key(seed, "rain"), blocks) < 0.06 + 0.19 * wet
    size = -np.log1p(-_uniform(_key(seed, "rain-mm"), blocks))
    return np.where(raining, size * (0.4 + 1.3 * wet), 0.0)


class _Clock:
    """Local time features of epoch seconds ``t`` (vectorised)."""

    def __init__(self, t: np.ndarray) -> None:
        local = t + VN_OFFSET_S
        self.day_index = np.floor(local / DAY_S)
        self.hour = (local - self.day_index * DAY_S) / 3600.0
        doy = self.day_index % 365.25
        self.winter = 0.5 * (1 + np.cos(2 * np.pi * (doy - 15) / 365.25))
        self.wet = 0.5 * (1 + np.cos(2 * np.pi * (doy - 215) / 365.25))
        # +1 at the June solstice, -1 in December. Sunrise 5:13-6:30, sunset
        # 17:20-18:45 at 21°N; lights switch a few minutes inside the dark hours.
        sol = np.cos(2 * np.pi * (doy - 172) / 365.25)
        self.dawn = 5.85 - 0.62 * sol - 0.1
        self.dusk = 18.05 + 0.7 * sol + 0.1
        # 1 January 1970 was a Thursday: Monday is 0.
        self.weekend = ((self.day_index + 3) % 7) >= 5
        h = self.hour
        self.rush = np.exp(-(((h - 8.0) / 0.9) ** 2)) + np.exp(
            -(((h - 17.7) / 1.1) ** 2)
        )
        self.daytime = np.clip(np.sin(np.pi * (h - 6) / 16), 0, None)


class _Inputs:
    """What every model needs: the times, their clock, the sensor's character and its
    noise streams."""

    def __init__(self, seed: int, spec: province.SensorSpec, t: np.ndarray) -> None:
        self.seed = seed
        self.spec = spec
        self.t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        self.c = _Clock(self.t)
        self._sec = np.floor(self.t)
        # Some places are busier or dirtier than others; cycles are out of step.
        self.k = 0.8 + 0.4 * (_key(seed, spec.id, "k") % 1000) / 1000
        self.phase = 2 * np.pi * (_key(seed, spec.id, "phase") % 1000) / 1000

    def n(self, salt: str) -> np.ndarray:
        """Noise of one quantity of this sensor, new every second."""
        return _normal(_key(self.seed, self.spec.id, salt), self._sec)

    def u(self, salt: str, window_s: float) -> np.ndarray:
        """A uniform draw per window of ``window_s`` seconds."""
        return _uniform(
            _key(self.seed, self.spec.id, salt), np.floor(self.t / window_s)
        )


class SensorFleet:
    """Values of every sensor of the fleet at any time, from the seed alone."""

    def __init__(
        self, specs: list[province.SensorSpec], seed: int = 42, rate: float = 1.0
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.specs = list(specs)
        self.seed = seed
        self.rate = rate

    # -- the models, vectorised over t (epoch seconds) ---------------------------------
    def values(self, spec: province.SensorSpec, t: np.ndarray) -> dict[str, np.ndarray]:
        """Every metric of ``spec`` at the times ``t``, in range, rounded."""
        model = getattr(self, f"_{spec.kind}", None)
        if model is None:
            raise ValueError(f"no model for sensor kind {spec.kind!r}")
        x = _Inputs(self.seed, spec, t)
        if x.t.size == 0:
            return {m: np.empty(0) for m in spec.metrics}
        return model(x)

    def _rain_at(self, t: np.ndarray) -> np.ndarray:
        return _rain(self.seed, np.floor(t / RAIN_BLOCK_S))

    def _river_response(self, t: np.ndarray) -> np.ndarray:
        """Rain of the last five days weighted by the river's answer, interpolated
        between blocks so the level moves smoothly."""
        pos = t / RAIN_BLOCK_S
        b = np.floor(pos).astype(np.int64)
        lo, hi = int(b.min()) - RIVER_LAG_BLOCKS, int(b.max()) + 1
        rain = _rain(self.seed, np.arange(lo, hi + 1, dtype=np.int64))
        resp = np.convolve(rain, RIVER_KERNEL)[: hi - lo + 1]
        i = b - lo
        f = pos - b
        return resp[i] * (1 - f) + resp[np.minimum(i + 1, len(resp) - 1)] * f

    def _air(self, x: _Inputs) -> dict[str, np.ndarray]:
        c, n, k = x.c, x.n, x.k
        industrial = 1.3 if any(w in x.spec.id for w in ("kcn", "vsip")) else 1.0
        rain = self._rain_at(x.t)
        # Weather regimes of a few days (a cold surge clears the air, calm air holds).
        regime = 1 + 0.3 * np.sin(2 * np.pi * x.t / (3.7 * DAY_S) + x.phase)
        # Night and early morning: a shallow boundary layer holds the dust in.
        night = 1 + 0.25 * np.cos(2 * np.pi * (c.hour - 5) / 24)
        base = (20 + 40 * c.winter) * k * industrial * regime
        pm25 = base * night * (1 + 0.3 * c.rush) / (1 + 0.15 * rain)
        pm25 = pm25 * (1 + 0.1 * n("pm25"))
        # Now and then a burst (burning straw, a truck idling by the station).
        pm25 = np.where(x.u("spike", 600) < 0.015, pm25 * 2.6, pm25)
        no2 = (14 + 42 * c.rush + 8 * (night - 0.75)) * k + 4 * n("no2")
        o3 = 22 + 75 * c.daytime * (1 - 0.4 * c.winter) + 6 * n("o3")
        return {
            "pm25": np.clip(pm25, 1, 900).round(1),
            "pm10": np.clip(pm25 * 1.6 + 6 * n("pm10"), 2, 1500).round(1),
            "no2": np.clip(no2, 1, 1000).round(1),
            "so2": np.clip(8 * industrial * k + 2 * n("so2"), 0.5, 1000).round(1),
            "co": np.clip((650 + 900 * c.rush) * k + 80 * n("co"), 100, 50000).round(0),
            "o3": np.clip(o3, 1, 600).round(1),
        }

    def _water(self, x: _Inputs) -> dict[str, np.ndarray]:
        c, n = x.c, x.n
        base = float(x.spec.extra.get("base_level", 2.5))
        levels = x.spec.extra.get("levels") or {}
        span = float(levels.get("I", base + 1.8)) - base
        flood = self._river_response(x.t)
        # Low in the dry season, high in the wet one; a flood pushes it up to level I
        # or beyond; a small semi-diurnal tide reaches up the lower rivers.
        tide = 0.06 * np.sin(2 * np.pi * x.t / (12.42 * 3600) + x.phase)
        level = base + span * (0.5 * c.wet - 0.25 + 0.8 * flood) + tide
        temp = 17 + 12 * (1 - c.winter) + 0.8 * np.sin(2 * np.pi * (c.hour - 10) / 24)
        do = 5.2 + 1.2 * c.winter - 0.4 * flood + 0.25 * n("do")
        return {
            "water_level": np.clip(level + 0.01 * n("lvl"), -9.5, 29.5).round(2),
            "ph": np.clip(7.2 - 0.15 * flood + 0.12 * n("ph"), 5.0, 9.5).round(2),
            "do": np.clip(do, 1, 12).round(2),
            "turbidity": np.clip(
                20 + 25 * c.wet + 60 * flood + 4 * n("tu"), 1, 3000
            ).round(1),
            "water_temp": np.clip(temp + 0.2 * n("wt"), 5, 40).round(1),
        }

    def _noise(self, x: _Inputs) -> dict[str, np.ndarray]:
        c = x.c
        laeq = 47 + x.k * (13 * c.daytime + 8 * c.rush) + 2.5 * x.n("laeq")
        return {"laeq": np.clip(laeq, 30, 110).round(1)}

    def _weather(self, x: _Inputs) -> dict[str, np.ndarray]:
        c, n = x.c, x.n
        # The province's rain episode, heavier or lighter here, hour by hour.
        showers = x.u("shower", 3600)
        rain = self._rain_at(x.t) * np.where(showers < 0.8, 0.4 + 1.5 * showers, 0.0)
        wet_now = rain > 0
        diurnal = np.sin(2 * np.pi * (c.hour - 8) / 24)
        regime = np.sin(2 * np.pi * x.t / (5.3 * DAY_S) + x.phase)
        temp = 29.5 - 13 * c.winter + 4 * diurnal - 2 * wet_now + 1.5 * regime
        hum = 76 + 6 * c.wet - 14 * diurnal + 15 * wet_now + 3 * n("h")
        wind = 1.8 + 1.6 * c.daytime + 2 * wet_now + 0.8 * np.abs(n("w"))
        # Winter highs, the twice-daily pressure tide, passing lows.
        tide = 1.2 * np.cos(4 * np.pi * (c.hour - 10) / 24)
        pressure = 1011 + 9 * c.winter - 3 * c.wet + tide - 2 * regime
        return {
            "temperature": np.clip(temp + 0.3 * n("t"), -5, 45).round(1),
            "humidity": np.clip(hum, 30, 100).round(0),
            "rainfall": np.clip(rain, 0, 150).round(1),
            "wind_speed": np.clip(wind, 0, 40).round(1),
            "pressure": np.clip(pressure + 0.4 * n("p"), 950, 1050).round(1),
        }

    def _traffic(self, x: _Inputs) -> dict[str, np.ndarray]:
        c, n, k = x.c, x.n, x.k
        rush = np.where(c.weekend, 0.45 * c.rush, c.rush)
        slow = np.where(self._rain_at(x.t) > 0, 0.85, 1.0)
        flow = (6 + 62 * rush + 30 * c.daytime) * k * (1 + 0.06 * n("flow"))
        speed = (50 - 28 * rush * k) * slow + 3 * n("speed")
        return {
            "vehicle_count": np.clip(flow, 0, 600).round(0),
            "avg_speed": np.clip(speed, 4, 90).round(1),
        }

    def _streetlight(self, x: _Inputs) -> dict[str, np.ndarray]:
        c, n = x.c, x.n
        rated = 4200 * x.k  # W of the cabinet's circuits
        on = (c.hour < c.dawn) | (c.hour >= c.dusk)
        # Smart dimming to 60 % after 23:00, when the streets are empty.
        dim = np.where((c.hour >= 23) | (c.hour < c.dawn), 0.6, 1.0)
        power = np.where(on, rated * dim + 40 * n("pw"), 12 + 2 * n("pw0"))
        # The meter counts only while lit: whole days at an average 12 lit hours, plus
        # the share of today's lit hours gone by (monotonic and continuous).
        lit_today = c.dawn + (24 - c.dusk)
        gone = np.minimum(c.hour, c.dawn) + np.clip(c.hour - c.dusk, 0, None)
        days = c.day_index - 19_000  # a meter installed in 2022
        energy = rated * 0.8 / 1000 * 12 * (days + gone / lit_today)
        return {
            "power": np.clip(power, 0, None).round(0),
            "energy": np.clip(energy, 0, None).round(2),
        }

    def _parking(self, x: _Inputs) -> dict[str, np.ndarray]:
        c = x.c
        cap = float(x.spec.extra.get("capacity", 200))
        office = np.exp(-(((c.hour - 12.5) / 4.2) ** 4))
        office = np.where(c.weekend, 0.45 * office, office)
        occ = np.clip(10 + 82 * office * x.k + 3 * x.n("occ"), 0, 100)
        return {
            "occupancy": occ.round(1),
            "free_spaces": np.round(cap * (1 - occ / 100)),
        }

    # -- one reading, for the live publisher -------------------------------------------
    def silent(self, spec: province.SensorSpec, ts: float) -> bool:
        """Dropouts: now and then a sensor is silent for a ten-minute window."""
        window = np.array([ts // DROPOUT_WINDOW_S])
        return bool(
            _uniform(_key(self.seed, spec.id, "drop"), window)[0] < DROPOUT_SHARE
        )

    def reading(
        self, spec: province.SensorSpec, ts: datetime
    ) -> dict[str, float] | None:
        """The sensor's values at ``ts``, or None when it is silent (a dropout). The
        faulty sensor sometimes sends out-of-range or stuck values."""
        t = ts.timestamp()
        if self.silent(spec, t):
            return None
        if not spec.faulty:
            return self._values_at(spec, t)
        window = np.array([t // STUCK_WINDOW_S])
        if _uniform(_key(self.seed, spec.id, "stuck"), window)[0] < 0.12:
            # A frozen sensor repeats the values it had when it froze.
            return self._values_at(spec, t // STUCK_WINDOW_S * STUCK_WINDOW_S)
        vals = self._values_at(spec, t)
        minute = np.array([t // FAULT_WINDOW_S])
        r = _uniform(_key(self.seed, spec.id, "fault"), minute)[0]
        if r < 0.04:
            vals[spec.metrics[0]] = -5.0  # negative: a broken offset
        elif r < 0.07:
            vals[spec.metrics[0]] = 1e9  # saturated: a broken converter
        return vals

    def _values_at(self, spec: province.SensorSpec, t: float) -> dict[str, float]:
        return {m: float(v[0]) for m, v in self.values(spec, np.array([t])).items()}

    def payload(self, spec: province.SensorSpec, ts: datetime) -> bytes | None:
        vals = self.reading(spec, ts)
        if vals is None:
            return None
        return encode(spec, ts, vals)

    def schedule_period(self, spec: province.SensorSpec) -> float:
        return spec.period_s / self.rate

    # -- history, for backfills --------------------------------------------------------
    def history(
        self, spec: province.SensorSpec, start: datetime, end: datetime, step_s: int
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Readings on the grid of ``step_s`` seconds in (start, end]: (epoch
        milliseconds as int64, {metric: float64 array}). Never faulty and never
        silent: what a backfill stores."""
        if step_s <= 0:
            raise ValueError("step_s must be positive")
        first = math.floor(start.timestamp()) // step_s * step_s + step_s
        last = math.floor(end.timestamp()) // step_s * step_s
        t = np.arange(first, last + 1, step_s, dtype=np.int64)
        if t.size == 0:
            return t, {m: np.empty(0) for m in spec.metrics}
        return t * 1000, self.values(spec, t.astype(np.float64))


def encode(spec: province.SensorSpec, ts: datetime, vals: dict[str, float]) -> bytes:
    """A JSON object, or for SenML sensors an RFC 8428 pack with base name and time."""
    if spec.format == "senml":
        pack: list[dict] = []
        for i, (metric, v) in enumerate(vals.items()):
            rec: dict = {"n": metric}
            if metric in spec.units:
                rec["u"] = spec.units[metric]
            rec["v"] = v
            if i == 0:
                rec = {"bn": f"{spec.id}:", "bt": round(ts.timestamp(), 3), **rec}
            pack.append(rec)
        return json.dumps(pack, separators=(",", ":"), ensure_ascii=False).encode()
    iso = ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"ts": iso, **vals}, separators=(",", ":")).encode()


def connect_client(url: str, client_id: str, ca_file: str | None = None) -> mqtt.Client:
    """A paho-mqtt 2.x client for ``mqtt://user:pass@host:port`` (``mqtts://`` for
    TLS), connecting in the background with reconnect backoff; its network loop runs
    in paho's thread. QoS 1 messages published while it is offline are queued."""
    addr = parse_broker_url(url)
    url_safe = redact(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if addr.username:
        client.username_pw_set(addr.username, addr.password)
    if addr.tls:
        client.tls_set(ca_certs=ca_file or None)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    # Publishing QoS 1 at fleet rates: let paho keep more than its default 20 in flight.
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(100_000)

    def on_connect(
        c: mqtt.Client, _u: object, _f: object, rc: object, _p: object
    ) -> None:
        level = logging.WARNING if getattr(rc, "is_failure", False) else logging.INFO
        log.log(level, "simulator %s connecting to %s: %s", client_id, url_safe, rc)

    def on_disconnect(
        c: mqtt.Client, _u: object, _f: object, rc: object, _p: object
    ) -> None:
        if getattr(rc, "is_failure", False):
            log.warning(
                "simulator %s lost %s: %s (reconnecting)", client_id, url_safe, rc
            )

    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.connect_async(addr.host, addr.port, keepalive=30)
    client.loop_start()
    return client


class SensorPublisher:
    """Publishes every sensor of the fleet on its own period (divided by the rate),
    with a small jitter, from one thread and a schedule heap."""

    def __init__(
        self,
        fleet: SensorFleet,
        client: mqtt.Client,
        stop: threading.Event,
        qos: int = 1,
        topic_prefix: str = TOPIC_PREFIX,
    ) -> None:
        self.fleet = fleet
        self.client = client
        self.stop = stop
        self.qos = qos
        self.topic_prefix = topic_prefix
        self.published = 0  # handed to paho (sent, or queued while offline)
        self.dropouts = 0  # the sensor was silent: nothing to send
        self.failed = 0  # refused by paho or raised: lost
        # Jitter only (values stay a function of the seed): a private generator.
        self._rng = random.Random(fleet.seed)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="sensor-simulator", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        specs = self.fleet.specs
        now = time.time()
        # Spread the first publications over one period, so the fleet does not burst.
        heap = [
            (now + self.fleet.schedule_period(s) * self._phase(s), i)
            for i, s in enumerate(specs)
        ]
        heapq.heapify(heap)
        log.info("publishing %d sensors at rate %.3g", len(specs), self.fleet.rate)
        while heap and not self.stop.is_set():
            due, i = heap[0]
            wait = due - time.time()
            if wait > 0:
                if self.stop.wait(wait):
                    break
                continue
            heapq.heappop(heap)
            spec = specs[i]
            self._publish(spec, datetime.now(UTC))
            jitter = self._rng.uniform(0.95, 1.05)
            nxt = due + self.fleet.schedule_period(spec) * jitter
            # Behind schedule (a slow machine): skip ahead, never burst to catch up.
            heapq.heappush(heap, (max(nxt, time.time()), i))
        log.info(
            "publisher stopped: %d published, %d dropouts, %d failed",
            self.published,
            self.dropouts,
            self.failed,
        )

    def _phase(self, spec: province.SensorSpec) -> float:
        return (_key(self.fleet.seed, spec.id, "phase") % 1000) / 1000

    def _publish(self, spec: province.SensorSpec, ts: datetime) -> None:
        try:
            payload = self.fleet.payload(spec, ts)
            if payload is None:
                self.dropouts += 1
                return
            topic = topic_for(spec.id, self.topic_prefix)
            info = self.client.publish(topic, payload, qos=self.qos)
        except Exception:  # noqa: BLE001 - one bad publish must not stop the fleet
            self.failed += 1
            if self.failed % 100 == 1:
                log.exception(
                    "could not publish %s (%d failures)", spec.id, self.failed
                )
            return
        # NO_CONN with QoS > 0: paho queued the message and sends it on reconnect.
        if info.rc == mqtt.MQTT_ERR_SUCCESS or (
            info.rc == mqtt.MQTT_ERR_NO_CONN and self.qos > 0
        ):
            self.published += 1
            return
        self.failed += 1
        if self.failed % 100 == 1:
            log.warning(
                "publish of %s refused (%s); %d failures so far",
                spec.id,
                mqtt.error_string(info.rc),
                self.failed,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulated sensor fleet over MQTT")
    parser.add_argument("--url", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--profile", default=str(DEFAULT_PROFILE))
    parser.add_argument("--size", type=int, default=0, help="0 = the profile's sensors")
    parser.add_argument("--rate", type=float, default=1.0, help="speed-up of periods")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--qos", type=int, default=1, choices=(0, 1, 2))
    parser.add_argument("--ca-file", default=None, help="CA bundle for mqtts://")
    parser.add_argument("--topic-prefix", default=TOPIC_PREFIX)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    specs = province.build_fleet(province.load_profile(args.profile), args.size)
    # Not "ioc-...": the embedded broker keeps those client ids for the app's account.
    client = connect_client(args.url, f"sim-fleet-{args.seed}", args.ca_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    fleet = SensorFleet(specs, args.seed, args.rate)
    publisher = SensorPublisher(
        fleet, client, stop, qos=args.qos, topic_prefix=args.topic_prefix
    )
    try:
        publisher.run()
    except KeyboardInterrupt:
        stop.set()
    client.disconnect()
    client.loop_stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
