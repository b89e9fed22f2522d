"""Write a checkpoint's weights as models/lm/weights.f16, the float network that `lmz -9`
keeps training while it codes (Modeling/Adaptive in the library).

Format (little-endian): "LMZW", uint32 version 1, then uint32 vocab, layers, d_model,
heads, ctx; then every tensor as IEEE half floats, in this order and layout
(linear layers stored input-major, [in][out], so the C# kernels stream rows):
  wte [vocab][d]   wpe [ctx][d]
  per layer: ln1.weight [d], ln1.bias [d], qkv [d][3d], proj [d][d],
             ln2.weight [d], ln2.bias [d], fc [d][4d], fc_out [4d][d]
  ln_f.weight [d], ln_f.bias [d]

  /usr/bin/python3 models/training/export_weights.py models/training/work/stage3/ckpt.pt models/lm/weights.f16
"""
import struct
import sys

import numpy as np
import torch


def read_state_dict(path):
    """The inverse: a weights.f16 file as a GPT state dict (float32) and its config dict,
    so training can warm-start from a shipped bundle."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] != b"LMZW" or struct.unpack("<I", raw[4:8])[0] != 1:
        sys.exit(f"{path}: not a version-1 weights.f16 file")
    vocab, layers, d, heads, ctx = struct.unpack("<5I", raw[8:28])
    vals = torch.from_numpy(np.frombuffer(raw[28:], dtype="<f2").astype(np.float32))
    pos = 0

    def take(rows, cols=None, transpose=False):
        nonlocal pos
        n = rows * (cols or 1)
        t = vals[pos:pos + n].reshape((rows, cols) if cols else (rows,))
        pos += n
        return t.t().contiguous() if transpose else t.clone()

    sd = {"wte.weight": take(vocab, d), "wpe.weight": take(ctx, d)}
    for i in range(layers):
        p = f"blocks.{i}."
        sd[p + "ln1.weight"], sd[p + "ln1.bias"] = take(d), take(d)
        sd[p + "qkv.weight"] = take(d, 3 * d, transpose=True)
        sd[p + "proj.weight"] = take(d, d, transpose=True)
        sd[p + "ln2.weight"], sd[p + "ln2.bias"] = take(d), take(d)
        sd[p + "fc.weight"] = take(d, 4 * d, transpose=True)
        sd[p + "fc_out.weight"] = take(4 * d, d, transpose=True)
    sd["ln_f.weight"], sd["ln_f.bias"] = take(d), take(d)
    if pos != len(vals):
        sys.exit(f"{path}: {len(vals) - pos} half floats left over")
    return sd, dict(vocab_size=vocab, layers=layers, d_model=d, heads=heads, ctx=ctx)


def main(ckpt_path, out_path):
    ck = torch.load(ckpt_path, map_location="cpu")
    c = ck["config"]
    sd = ck["model"]
    tensors = [sd["wte.weight"], sd["wpe.weight"]]
    for i in range(c["layers"]):
        p = f"blocks.{i}."
        tensors += [sd[p + "ln1.weight"], sd[p + "ln1.bias"], sd[p + "qkv.weight"].t(), sd[p + "proj.weight"].t(),
                    sd[p + "ln2.weight"], sd[p + "ln2.bias"], sd[p + "fc.weight"].t(), sd[p + "fc_out.weight"].t()]
    tensors += [sd["ln_f.weight"], sd["ln_f.bias"]]
    with open(out_path, "wb") as f:
        f.write(b"LMZW" + struct.pack("<6I", 1, c["vocab_size"], c["layers"], c["d_model"], c["heads"], c["ctx"]))
        for t in tensors:
            f.write(np.ascontiguousarray(t.detach().numpy().astype("<f2")).tobytes())
    print(f"{out_path}: {sum(t.numel() for t in tensors)} half floats")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
