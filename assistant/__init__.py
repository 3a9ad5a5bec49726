"""Plain-Python logic of the CRS FAQ assistant, shared by Rasa components and actions."""
