"""Cross-page callbacks: menu, language (a cookie, so server-side layouts follow it) and
theme (localStorage; assets/shell.js applies it before the first paint)."""

from dash import Input, Output, State, callback, clientside_callback

from i18n import LANG_COOKIE
from layouts._shell import Ids

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
