"""Benchmark of the project's bot against Rasa's default configuration (`python -m bench.run`)."""
