/* Theme and kiosk mode, applied before Dash renders (no flash of the wrong theme).
 * Theme: localStorage "ioc-theme" (light|dark); default dark on the wall (kiosk), light else.
 * Kiosk: ?kiosk=1 hides the chrome; &pages=/,/moi-truong&every=60 cycles those pages. */
(function () {
  var params = new URLSearchParams(window.location.search);
  var kiosk = params.get("kiosk") === "1";
  var stored = null;
  try { stored = window.localStorage.getItem("ioc-theme"); } catch (e) { stored = null; }
  var theme = stored === "light" || stored === "dark" ? stored : (kiosk ? "dark" : "light");
  document.documentElement.setAttribute("data-bs-theme", theme);
  if (kiosk) { document.documentElement.classList.add("ioc-kiosk"); }

  window.iocShell = {
    toggleTheme: function () {
      var now = document.documentElement.getAttribute("data-bs-theme") === "dark"
        ? "light" : "dark";
      document.documentElement.setAttribute("data-bs-theme", now);
      try { window.localStorage.setItem("ioc-theme", now); } catch (e) { /* private mode */ }
      return now;
    },
    // A short two-tone beep for a new critical alert, only on a wall that asked for
    // it (?kiosk=1&sound=1); Web Audio, so no sound file and no network.
    alertSound: function () {
      if (!(kiosk && params.get("sound") === "1")) { return; }
      try {
        var Ctx = window.AudioContext || window.webkitAudioContext;
        var ac = new Ctx();
        [880, 660].forEach(function (f, k) {
          var o = ac.createOscillator();
          var g = ac.createGain();
          o.frequency.value = f;
          g.gain.value = 0.2;
          o.connect(g);
          g.connect(ac.destination);
          o.start(ac.currentTime + k * 0.25);
          o.stop(ac.currentTime + k * 0.25 + 0.2);
        });
      } catch (e) { /* no audio device: the toast still shows */ }
    }
  };

  // A session that ended (idle, signed out elsewhere, disabled account) answers the
  // live panels with 401: go to the sign-in page and come back here after it.
  var nativeFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    return nativeFetch(input, init).then(function (resp) {
      var url = typeof input === "string" ? input : (input && input.url) || "";
      if (resp.status === 401 && url.indexOf("_dash-") !== -1) {
        var back = window.location.pathname + window.location.search;
        window.location.assign("/dang-nhap?next=" + encodeURIComponent(back));
      }
      return resp;
    });
  };

  if (kiosk) {
    var pages = (params.get("pages") || "").split(",").filter(function (p) {
      return p.charAt(0) === "/";
    });
    var every = Math.max(10, parseInt(params.get("every") || "60", 10) || 60);
    if (pages.length > 1) {
      var i = Math.max(0, pages.indexOf(window.location.pathname));
      window.setInterval(function () {
        // Only pages the app has (and this account may read): a mistyped entry is
        // skipped, never shown as a 404 on the wall.
        var box = document.getElementById("shell-critical-banner");
        var known = box && box.dataset.paths ? box.dataset.paths.split(",") : null;
        var ok = known ? pages.filter(function (p) { return known.indexOf(p) !== -1; })
          : pages;
        if (ok.length < 2) { return; }
        var at = ok.indexOf(window.location.pathname);
        i = (at + 1) % ok.length;
        var url = ok[i] + window.location.search;
        // Dash pages follow history changes without reloading the app.
        window.history.pushState({}, "", url);
        window.dispatchEvent(new PopStateEvent("popstate"));
      }, every * 1000);
    }
  }
})();
