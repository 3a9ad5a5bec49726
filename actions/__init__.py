"""Custom actions of the CRS FAQ assistant (run by `rasa run actions`).

Each module holds one thin action class; the decisions live in `actions/logic.py`
as plain functions, tested without Rasa or a network.
"""
