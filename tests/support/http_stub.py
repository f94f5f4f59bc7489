"""The stand-in HTTP server for third-party APIs, shipped to plug-in packages in
`wismo.testing.http_stub`; loaded here as the suite's `http_stub` fixture."""

from wismo.testing.http_stub import HttpStub, StubRequest, StubResponse, http_stub

__all__ = ["HttpStub", "StubRequest", "StubResponse", "http_stub"]
