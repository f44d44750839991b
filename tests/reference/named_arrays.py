"""Writes named numpy arrays in the small binary format the C++ and JS tests read.

File: magic b"CSARRAYS", then records until the end:
  u32 name length, name (UTF-8), u8 dtype (0 float32, 1 float64, 2 int32, 3 uint8),
  u32 number of dims, u64 each dim, then the little-endian values.
"""
import struct

import numpy as np

DTYPES = {np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.int32): 2, np.dtype(np.uint8): 3}


def write_arrays(path, **arrays):
    with open(path, "wb") as out:
        out.write(b"CSARRAYS")
        for name, value in arrays.items():
            value = np.ascontiguousarray(value)
            if value.dtype == np.int64:
                value = value.astype(np.int32)
            encoded = name.encode()
            out.write(struct.pack("<I", len(encoded)) + encoded)
            out.write(struct.pack("<BI", DTYPES[value.dtype], value.ndim))
            out.write(struct.pack(f"<{value.ndim}Q", *value.shape))
            out.write(value.astype(value.dtype.newbyteorder("<")).tobytes())
