#!/usr/bin/env python3
"""Writes stream records straight from the format table in streaming-io/README.md, without
Coldstream's ExampleCodec: an outside producer's view of the format. One file per record, in
stream order, for `kcat -P` (one file = one message), and `expected.txt` saying what each is.

Usage: write_records.py OUT_DIR [VALID_COUNT]

Stream shape 1x28x28, 10 classes. The valid records mix uint8 tensors, float32 tensors and PNG
images, each with an explicit id (1000 + its index among the valid ones). Among them, one record
for each of the 14 bad-record reasons.
"""
import os
import struct
import sys
import zlib

C, H, W = 1, 28, 28
CLASSES = 10
MAGIC = b"CSEX"


def header(kind, flags, element_type, label, example_id=None, magic=MAGIC, version=1):
    # offset 0 magic, 4 version, 5 kind, 6 flags, 7 element type, 8 label (int32), 12 id (int64) if flag bit 0
    out = magic + struct.pack(">BBBBi", version, kind, flags, element_type, label)
    if flags & 1:
        out += struct.pack(">q", example_id)
    return out


def tensor_u8(label, example_id, c=C, h=H, w=W, **kw):
    payload = bytes((example_id * 7 + i) % 256 for i in range(c * h * w))
    return header(0, 1, 0, label, example_id, **kw) + struct.pack(">iii", c, h, w) + payload


def tensor_f32(label, example_id, values=None, element_type=1):
    n = C * H * W
    if values is None:
        values = [((example_id + i) % 100) / 100.0 for i in range(n)]
    return (header(0, 1, element_type, label, example_id) + struct.pack(">iii", C, H, W)
            + struct.pack(">%df" % n, *values))


def png(h, w, seed):
    """A grayscale 8-bit PNG, written from the PNG specification (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((seed + r * w + x) % 256 for x in range(w)) for r in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def image(label, example_id, data):
    return header(1, 1, 0, label, example_id) + struct.pack(">i", len(data)) + data


def main():
    out = sys.argv[1]
    valid = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    os.makedirs(out, exist_ok=True)
    good = []
    for i in range(valid):
        example_id = 1000 + i
        label = i % CLASSES
        kind = i % 3
        if kind == 0:
            good.append(tensor_u8(label, example_id))
        elif kind == 1:
            good.append(tensor_f32(label, example_id))
        else:
            good.append(image(label, example_id, png(H, W, i)))
    n = C * H * W
    valid_f32 = [0.5] * n
    bad = {
        "bad-magic": tensor_u8(1, 1, magic=b"CSEY"),
        "unknown-version": tensor_u8(1, 2, version=2),
        "unknown-kind": header(2, 1, 0, 1, 3) + struct.pack(">iii", C, H, W) + bytes(n),
        "bad-flags": header(0, 0b11, 0, 1, 4) + struct.pack(">iii", C, H, W) + bytes(n),
        "unknown-element-type": header(0, 1, 2, 1, 5) + struct.pack(">iii", C, H, W) + bytes(n),
        "truncated": tensor_u8(1, 6)[:-1],
        "trailing-bytes": tensor_u8(1, 7) + b"\x00",
        "shape-mismatch": tensor_u8(1, 8, w=27),
        "size-mismatch": header(0, 1, 0, 1, 9) + struct.pack(">iii", 0, H, W),
        "label-out-of-range": tensor_u8(CLASSES, 10),
        "non-finite": tensor_f32(1, 11, valid_f32[:100] + [float("nan")] + valid_f32[101:]),
        "out-of-range": tensor_f32(1, 12, valid_f32[:200] + [1.5] + valid_f32[201:]),
        "undecodable-image": image(1, 13, b"GIF89a" + bytes(40)),
        "wrong-image-size": image(1, 14, png(14, 14, 0)),
    }
    records = []
    reasons = list(bad.items())
    step = max(1, valid // (len(reasons) + 1))
    for i, record in enumerate(good):
        if i > 0 and i % step == 0 and reasons:
            reason, data = reasons.pop(0)
            records.append(("bad " + reason, data))
        records.append(("valid %d" % (1000 + i), record))
    for reason, data in reasons:
        records.append(("bad " + reason, data))
    with open(os.path.join(out, "expected.txt"), "w") as expected:
        for index, (what, data) in enumerate(records):
            with open(os.path.join(out, "%05d.rec" % index), "wb") as f:
                f.write(data)
            expected.write(what + "\n")


if __name__ == "__main__":
    main()
