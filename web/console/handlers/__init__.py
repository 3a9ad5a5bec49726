"""The console's HTTP handlers, one module per resource; `web.console.app` maps URLs to them."""
