/* The live sensor grid (Cảm biến): the browser's half of the one-second refresh.
 * visible(): names the rows on screen (and AG Grid's buffer) with the version it holds,
 * so the server answers with the rows that changed; it also recounts the age column.
 * skew(): the browser clock's offset from the server's, so ages count on server time. */
(function () {
  var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

  dagfuncs.iocSensorAge = function (params) {
    var ts = params.data && params.data.ts;
    if (ts === null || ts === undefined) { return null; }
    var now = Date.now() + (window.iocSensorSkew || 0);
    return Math.max(0, Math.floor((now - ts) / 1000));
  };

  dagfuncs.iocSensorAgeText = function (params) {
    var s = params.value;
    if (s === null || s === undefined) { return "\u2013"; }
    var u = (params.context && params.context.ageUnits) || ["s", "min", "h", "d"];
    if (s < 60) { return s + " " + u[0]; }
    if (s < 3600) { return Math.floor(s / 60) + " " + u[1]; }
    if (s < 86400) { return Math.floor(s / 3600) + " " + u[2]; }
    return Math.floor(s / 86400) + " " + u[3];
  };

  var MAX_ROWS = 200; /* store.live.TICK_MAX */

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.iocSensors = {
    visible: function (n, gridId) {
      var noUpdate = window.dash_clientside.no_update;
      var api = null;
      try { api = window.dash_ag_grid.getApi(gridId); } catch (e) { api = null; }
      if (!api || api.isDestroyed && api.isDestroyed()) { return noUpdate; }
      var first = api.getFirstDisplayedRowIndex();
      var last = Math.min(api.getLastDisplayedRowIndex(), first + MAX_ROWS - 1);
      var rows = {};
      var count = 0;
      for (var i = Math.max(0, first); i <= last; i++) {
        var node = api.getDisplayedRowAtIndex(i);
        if (node && node.data) { rows[node.data.id] = [node.data.ver, node.data.state]; count++; }
      }
      api.refreshCells({ columns: ["age"] });
      if (!count) { return noUpdate; }
      return { rows: rows, n: n };
    },
    skew: function (serverMs) {
      if (typeof serverMs !== "number") { return window.dash_clientside.no_update; }
      window.iocSensorSkew = serverMs - Date.now();
      return window.iocSensorSkew;
    }
  };
})();
