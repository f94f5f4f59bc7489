"""An agency's plug-ins for Wismo, written against wismo.sdk only (used by the tests)."""
