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
    so training can warm-start from a shipped bundle. The file is parsed by intnet.load_f16,
    the one reader of this layout."""
    from intnet import load_f16
    w = load_f16(path)

    def t(a, transpose=False):  # linear layers are stored [in][out]; torch keeps [out][in]
        return torch.from_numpy(np.ascontiguousarray(a.T if transpose else a).astype(np.float32))

    sd = {"wte.weight": t(w["wte"]), "wpe.weight": t(w["wpe"])}
    for i, b in enumerate(w["blocks"]):
        p = f"blocks.{i}."
        sd[p + "ln1.weight"], sd[p + "ln1.bias"] = t(b["ln1_w"]), t(b["ln1_b"])
        sd[p + "qkv.weight"], sd[p + "proj.weight"] = t(b["qkv"], True), t(b["proj"], True)
        sd[p + "ln2.weight"], sd[p + "ln2.bias"] = t(b["ln2_w"]), t(b["ln2_b"])
        sd[p + "fc.weight"], sd[p + "fc_out.weight"] = t(b["fc"], True), t(b["fc_out"], True)
    sd["ln_f.weight"], sd["ln_f.bias"] = t(w["lnf_w"]), t(w["lnf_b"])
    return sd, dict(vocab_size=w["vocab"], layers=w["layers"], d_model=w["d"], heads=w["heads"], ctx=w["ctx"])


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
