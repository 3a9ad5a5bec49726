"""Staff console: review the conversations stored by Rasa's SQL tracker store.

Mounted under ``/console`` by the web app when ``console_enabled`` is set; see
``routes.create_console``.
"""
