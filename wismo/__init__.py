"""Wismo: order-status notifications for web shops. `wismo` is the command line."""

__version__ = "0.1.0"
