"""Starts and stops the whole product: action server, Rasa server, web gateway."""
