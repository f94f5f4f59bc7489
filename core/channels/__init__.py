"""Channels: the ways a message reaches a shopper (or a merchant's system).

A channel is a small class found through the `wismo.channels` entry point group,
built-in or from another package. See `base.Channel` for the protocol.
"""

from .base import Channel, ChannelContext, OutboundMessage

__all__ = ["Channel", "ChannelContext", "OutboundMessage"]
