"""The parents' web chat: the gateway in front of Rasa, the page and the embeddable widget."""
