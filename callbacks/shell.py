"""Cross-page callbacks: menu, language (a cookie, so server-side layouts follow it),
theme (localStorage; assets/shell.js applies it before the first paint) and the alert
badge and toast every page shows for new critical alerts."""

import logging

from dash import Input, Output, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from i18n import LANG_COOKIE, fmt_datetime, fmt_number, metric_label
from layouts._shell import ALERT_POLL_MS, Ids, current_lang
from security import policy
from security.session import current
from store import alerting, subjects
from store.memo import memo
from store.runtime import get_engine

log = logging.getLogger(__name__)
# The badge ticks every 5 s on every tab of every user: its reads are shared for less
# than a tick (keyed by the domains the user may read).
BADGE_TTL_S = ALERT_POLL_MS / 1000 - 1

clientside_callback(
    f"""
    function(n, target) {{
        if (!n) {{ return window.dash_clientside.no_update; }}
        document.cookie = "{LANG_COOKIE}=" + target +
            "; path=/; max-age=31536000; SameSite=Lax";
        window.location.reload();
        return window.dash_clientside.no_update;
    }}
    """,
    Output(Ids.LANG_TARGET, "data"),
    Input(Ids.LANG_BUTTON, "n_clicks"),
    State(Ids.LANG_TARGET, "data"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function(n) {
        if (!n) { return window.dash_clientside.no_update; }
        return window.iocShell.toggleTheme();
    }
    """,
    Output(Ids.THEME_STORE, "data"),
    Input(Ids.THEME_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output(Ids.MENU, "is_open"),
    Input(Ids.MENU_BUTTON, "n_clicks"),
    State(Ids.MENU, "is_open"),
    prevent_initial_call=True,
)
def toggle_menu(_n: int | None, is_open: bool) -> bool:
    return not is_open


def alert_text(row: dict, lang: str) -> str:
    """One line for a critical alert: about what, which metric, how much, since
    when."""
    parts = [subjects.display_name(row, lang)]
    if row["metric"]:
        value = row["last_value"]
        shown = "" if value is None else " " + fmt_number(float(value), lang, 1)
        parts.append(metric_label(row["metric"], lang) + shown)
    parts.append(fmt_datetime(int(row["raised_ms"]), lang))
    return " · ".join(parts)


@callback(
    Output(Ids.ALERT_COUNT, "children"),
    Output(Ids.ALERT_BADGE, "className"),
    Output(Ids.ALERT_TOAST, "is_open"),
    Output(Ids.ALERT_TEXT, "children"),
    Output(Ids.ALERT_SEEN, "data"),
    Input(Ids.ALERT_INTERVAL, "n_intervals"),
    State(Ids.ALERT_SEEN, "data"),
)
def watch_alerts(_n: int | None, seen: int | None) -> tuple:
    lang = current_lang()
    try:
        engine = get_engine()
        who = current()
        counts, newest = _badge(
            engine, policy.visible_domains(who), policy.visible_areas(who)
        )
    except SQLAlchemyError as exc:
        log.warning("alert badge could not read the store: %s", exc)
        raise PreventUpdate from exc
    n = counts["critical"]
    badge_class = "ioc-touch ms-2 btn btn-outline-danger" + ("" if n else " d-none")
    count = fmt_number(n, lang, 0)
    if newest.empty:
        return count, badge_class, no_update, no_update, no_update
    row = newest.iloc[0].to_dict()
    alert_id = int(row["id"])
    if isinstance(seen, int) and alert_id <= seen:
        return count, badge_class, no_update, no_update, no_update
    return count, badge_class, True, alert_text(row, lang), alert_id


@memo(BADGE_TTL_S, maxsize=64)
def _badge(  # noqa: ANN001
    engine, domains: frozenset[str] | None, areas: frozenset[str] | None = None
) -> tuple:
    """Alert counts and the newest open critical alert in ``domains`` and
    ``areas``."""
    return alerting.counts(engine, domains, areas), alerting.alerts(
        engine,
        state="open",
        severity="critical",
        limit=1,
        domains=domains,
        areas=areas,
    )


# On the wall (?kiosk=1&sound=1) a new critical alert also beeps (assets/shell.js).
clientside_callback(
    """
    function(seen) {
        if (seen && window.iocShell && window.iocShell.alertSound) {
            window.iocShell.alertSound();
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(Ids.ALERT_SOUND, "data"),
    Input(Ids.ALERT_SEEN, "data"),
    prevent_initial_call=True,
)


# The wall's banner follows the badge's count, in the browser (no request more).
clientside_callback(
    """
    function(count) {
        var el = document.getElementById("shell-critical-banner");
        var n = parseInt(String(count || "0").replace(/[^0-9]/g, ""), 10) || 0;
        var text = n ? (el ? el.dataset.template : "").replace("{n}", count) : "";
        return [text, n ? "ioc-critical-banner ioc-on" : "ioc-critical-banner"];
    }
    """,
    Output(Ids.BANNER_TEXT, "children"),
    Output(Ids.BANNER, "className"),
    Input(Ids.ALERT_COUNT, "children"),
)
