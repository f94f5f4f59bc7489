"""Use cases: plain functions that take their collaborators (session, container) as arguments."""
