"""The pure domain: statuses, the order state machine and the notification rules.

Nothing here imports a framework, a database driver or a network client; an
import-linter contract in CI keeps it that way.
"""
