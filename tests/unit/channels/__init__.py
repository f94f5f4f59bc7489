"""Unit tests of the built-in channels, signing and the plug-in loader."""
