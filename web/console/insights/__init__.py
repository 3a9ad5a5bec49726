"""The insights page: what parents asked, when, and how well the assistant understood
them, over a range of UTC days.

- `dates`: the range of days (parsed from the form, presets) and its days or weeks;
- `queries`: the grouped SQL on the summary tables, and `load`, which returns `Insights`;
- `tables`: one data table per chart, also its CSV download;
- `summaries`: one sentence per chart;
- `charts`: the pygal drawings, sanitised SVG as ``data:`` URIs;
- `page`: the page's `sections`, putting them together for the handler.

Nothing is imported here, so that `dates` and `queries` can be used without pygal.
"""
