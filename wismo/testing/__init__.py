"""Test helpers for plug-in packages: the contract kit and a stand-in HTTP server.

`pytest --wismo-contract` (the pytest plugin `wismo.testing.pytest_plugin`, registered by
the wismo distribution) runs the contract kit against the plug-ins of the package under
test; the package describes them in a `wismo_contract_vectors` fixture with the vector
classes below. See docs/extending.md.
"""

from wismo.testing.vectors import AdapterVectors, CarrierVectors, ChannelVectors, Vectors

__all__ = ["AdapterVectors", "CarrierVectors", "ChannelVectors", "Vectors"]
