"""Data files of the medical vocabulary (no code): read through `assistant.nlu.medical_terms`."""
