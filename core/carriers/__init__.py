"""Carrier tracking: the Carrier protocol, the built-in carriers and the parcel follower."""
