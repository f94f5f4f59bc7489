"""Wismo's platform-agnostic core: statuses, the state machine, rules, rendering, dispatch.

`core.domain` is pure (standard library only); `core.storage`, `core.channels` and
`core.services` do the I/O, and `core.bootstrap` wires them together.
"""
