"""Adds HEIF transformation properties (irot, imir) to the primary image of a HEIF file.

heif-enc writes none; a photo from a phone often has them. The properties are appended to
ipco, associated with the primary item in ipma, and the sizes of the enclosing boxes and the
file offsets in iloc (the image data follows the meta box) are moved by the bytes added.
"""
import struct


def _boxes(data, start, end):
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        yield at, size, kind.decode("latin-1")
        at += size


def add_transformations(data, properties):
    """properties: raw property boxes (bytes) to add, e.g. irot(1) or imir(0)."""
    data = bytearray(data)
    meta = next(b for b in _boxes(data, 0, len(data)) if b[2] == "meta")
    meta_children = {k: (a, s) for a, s, k in _boxes(data, meta[0] + 12, meta[0] + meta[1])}
    iprp_at, iprp_size = meta_children["iprp"]
    iprp_children = {k: (a, s) for a, s, k in _boxes(data, iprp_at + 8, iprp_at + iprp_size)}
    ipco_at, ipco_size = iprp_children["ipco"]
    ipma_at, ipma_size = iprp_children["ipma"]
    pitm_at, _ = meta_children["pitm"]
    pitm_version = data[pitm_at + 8]
    primary = struct.unpack(">H" if pitm_version == 0 else ">I", data[pitm_at + 12:pitm_at + (14 if pitm_version == 0 else 16)])[0]
    count = sum(1 for _ in _boxes(data, ipco_at + 8, ipco_at + ipco_size))

    # ipma: add an essential association to each new property for the primary item.
    version, flags = data[ipma_at + 8], int.from_bytes(data[ipma_at + 9:ipma_at + 12], "big")
    wide_index = flags & 1
    at = ipma_at + 12
    entries = struct.unpack(">I", data[at:at + 4])[0]
    at += 4
    added_ipma = 0
    for _ in range(entries):
        item = struct.unpack(">H" if version < 1 else ">I", data[at:at + (2 if version < 1 else 4)])[0]
        at += 2 if version < 1 else 4
        n = data[at]
        if item == primary:
            data[at] = n + len(properties)
            insert_at = at + 1 + n * (2 if wide_index else 1)
            extra = b"".join(
                struct.pack(">H", 0x8000 | (count + 1 + i)) if wide_index else bytes([0x80 | (count + 1 + i)])
                for i in range(len(properties))
            )
            data[insert_at:insert_at] = extra
            added_ipma = len(extra)
            break
        at += 1 + n * (2 if wide_index else 1)
    added_ipco = sum(len(p) for p in properties)
    # ipco lies before ipma: insert the properties at its end.
    data[ipco_at + ipco_size:ipco_at + ipco_size] = b"".join(properties)
    delta = added_ipco + added_ipma

    def grow(box_at, by):
        struct.pack_into(">I", data, box_at, struct.unpack(">I", data[box_at:box_at + 4])[0] + by)

    grow(ipco_at, added_ipco)
    grow(ipma_at + added_ipco, added_ipma)
    grow(iprp_at, delta)
    grow(meta[0], delta)

    # iloc (before iprp in heif-enc's files, so not moved): file offsets shift by delta.
    iloc_at = meta_children["iloc"][0]
    assert iloc_at < iprp_at
    version = data[iloc_at + 8]
    at = iloc_at + 12
    offset_size, length_size = data[at] >> 4, data[at] & 15
    base_size, index_size = data[at + 1] >> 4, (data[at + 1] & 15 if version in (1, 2) else 0)
    at += 2
    items = struct.unpack(">H" if version < 2 else ">I", data[at:at + (2 if version < 2 else 4)])[0]
    at += 2 if version < 2 else 4

    def read(size):
        nonlocal at
        value = int.from_bytes(data[at:at + size], "big") if size else 0
        at += size
        return value

    def shift(size):
        if size:
            value = int.from_bytes(data[at - size:at], "big")
            data[at - size:at] = (value + delta).to_bytes(size, "big")

    for _ in range(items):
        read(2 if version < 2 else 4)
        method = read(2) & 15 if version in (1, 2) else 0
        read(2)
        base = read(base_size)
        if method == 0 and base:
            shift(base_size)
        for _ in range(read(2)):
            read(index_size)
            read(offset_size)
            if method == 0 and not base:
                shift(offset_size)
            read(length_size)
    return bytes(data)


def irot(quarter_turns_ccw):
    return struct.pack(">I4sB", 9, b"irot", quarter_turns_ccw & 3)


def imir(axis):
    """axis 0: mirror about the vertical axis (left-right); 1: about the horizontal one."""
    return struct.pack(">I4sB", 9, b"imir", axis & 1)
