"""Reports: the PDF briefing, the Excel workbook and the CSV of chosen domains, areas
and a period, made from the KPI providers (store.kpis) and the alerts
(store.alerting), outside any web request (reports.jobs), on demand or by schedule
(reports.scheduled). Nothing here imports Dash or reads a Flask request: the page,
the API and the scheduler call it the same way."""
