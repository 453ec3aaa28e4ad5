# SPDX-License-Identifier: GPL-2.0-or-later
"""inetsum.py - the Internet checksum (RFC 1071), for the test tools."""
import struct


def ones_sum(data):
    """The 16-bit one's complement sum of data (padded to even length):
    0xFFFF over a packet whose checksum field is right."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def csum(data):
    """The checksum to put in a header: the complement of ones_sum()."""
    return ~ones_sum(data) & 0xFFFF
