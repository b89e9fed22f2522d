"""The integer network (specification "lmz-int8-v1", docs/INTNET.md): quantize the float GPT of
models/lm/weights.f16 into exact integer arithmetic and write it for both engines.

  /usr/bin/python3 models/training/intnet.py --weights models/lm/weights.f16 \
      --tokens models/training/work/tokens --out models/lm

Writes (deterministic: the same inputs give the same bytes)
  model.int.onnx  the graph, only integer ONNX ops (MatMulInteger u8u8, MatMul int32,
                  elementwise int64, Gather tables) plus one exact double sqrt per row;
  model.int.data  its tensors (ONNX external data), which lmz's C# engine reads too;
  model.int.json  shapes, fixed-point constants and every tensor's offset in model.int.data.

Calibration (the fixed points of the residual, q/k/v, the GELU input and the logits) uses
windows of the training split only (train.u16 of `lmz-train tokenize`), never validation or
evaluation text. `--check N` then measures N validation windows: the float network against
the integer one (numpy reference of the same arithmetic), in bits per token.
"""
import argparse
import json
import math
import os
import struct

import numpy as np


SPEC = "lmz-int8-v1"
EPS = 1e-5
CLAMP_RESIDUAL = 1 << 20     # |h| <= 2^20 after every residual add
ROW_SHIFT = 24                # Q(): R = floor(127 * 2^24 / m)
CLAMP_LOGIT = 1 << 24         # logits clamped to +-2^24: exact as float32
CLAMP_ACT = 1 << 20           # q and the GELU output are clamped to +-2^20, k and v to +-32767
KV_MAX = 32767
RHO_BITS = 20                 # LN: r = floor(m * 2^20 / s)
EXP_BITS = 8                  # softmax table step 2^-8
EXP_ONE = 1 << 15             # exp table value of e^0
EXP_SIZE = 3072               # e^(-3071/256) * 2^15 < 0.5
PROB_BITS = 14                # attention weights sum to ~2^14
PROB_SHIFT = 16
GELU_BITS = 8                 # fc output / GELU table fixed point
GELU_RANGE = 8 << GELU_BITS   # table covers [-8, 8]


def load_f16(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:4] == b"LMZW", "not a weights.f16 file"
    version, vocab, layers, d, heads, ctx = struct.unpack("<6I", raw[4:28])
    assert version == 1
    vals = np.frombuffer(raw[28:], dtype="<f2").astype(np.float64)
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        t = vals[pos:pos + n].reshape(shape)
        pos += n
        return t

    w = {"vocab": vocab, "layers": layers, "d": d, "heads": heads, "ctx": ctx}
    w["wte"] = take(vocab, d)
    w["wpe"] = take(ctx, d)
    w["blocks"] = []
    for _ in range(layers):
        b = {}
        b["ln1_w"], b["ln1_b"] = take(d), take(d)
        b["qkv"] = take(d, 3 * d)       # [in][out]
        b["proj"] = take(d, d)
        b["ln2_w"], b["ln2_b"] = take(d), take(d)
        b["fc"] = take(d, 4 * d)
        b["fc_out"] = take(4 * d, d)
        w["blocks"].append(b)
    w["lnf_w"], w["lnf_b"] = take(d), take(d)
    assert pos == len(vals)
    return w


def gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b


def float_forward(w, ids, stats=None):
    """Float network over one window at positions 0..S-1: logits [S,V]; records peaks in stats."""
    S = len(ids)
    d, H = w["d"], w["heads"]
    dh = d // H
    x = w["wte"][ids] + w["wpe"][:S]
    mask = np.triu(np.ones((S, S), dtype=bool), 1)

    def peak(name, v):
        if stats is not None:
            stats.setdefault(name, []).append(float(np.abs(v).max()))

    peak("residual", x)
    for i, b in enumerate(w["blocks"]):
        qkv = layer_norm(x, b["ln1_w"], b["ln1_b"]) @ b["qkv"]
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        peak(f"q{i}", q)
        peak(f"k{i}", k)
        peak(f"v{i}", v)
        q = q.reshape(S, H, dh).transpose(1, 0, 2)
        k = k.reshape(S, H, dh).transpose(1, 0, 2)
        v = v.reshape(S, H, dh).transpose(1, 0, 2)
        att = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        att[:, mask] = -np.inf
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        y = (att @ v).transpose(1, 0, 2).reshape(S, d)
        x = x + y @ b["proj"]
        peak("residual", x)
        u = layer_norm(x, b["ln2_w"], b["ln2_b"]) @ b["fc"]
        peak(f"fc{i}", u)
        x = x + gelu(u) @ b["fc_out"]
        peak("residual", x)
    logits = layer_norm(x, w["lnf_w"], w["lnf_b"]) @ w["wte"].T
    peak("logits", logits)
    return logits


def bits_for(peak, limit):
    """Fractional bits that keep peak (with 2x headroom) under limit."""
    return int(math.floor(math.log2(limit / (2.0 * peak))))


def quantize_rows(wt):
    """wt [out][in] float -> int8 codes in [-127,127] and one scale per output row."""
    scale = np.abs(wt).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(wt / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


class Linear:
    """y_n = (acc_n * r * C_n + B_n) >> S, acc = sum_k q_k w_nk, real input = q * r * unit."""

    def __init__(self, name, w_in_out, bias, in_unit, out_bits, r_max):
        # w_in_out [in][out] float; bias [out] float or None; in_unit: real value of q*r == 1;
        # out_bits: fractional bits of the output, per output or one for all; r_max: bound of r.
        q, scale = quantize_rows(w_in_out.T)
        self.name, self.q = name, q
        mult = scale * in_unit * 2.0 ** np.asarray(out_bits, dtype=np.float64)  # acc*r -> output units
        # |acc * r * C| < 2^61 for every input (the ONNX floor shift needs it): acc <= 127^2 K, so C <= 2^61 / (127^2 K r_max)
        cap = min(2.0 ** 24, 2.0 ** 61 / (127 * 127 * q.shape[1] * r_max))
        self.shift = int(math.floor(math.log2(cap / mult.max())))
        assert self.shift >= 1
        self.c = np.rint(mult * 2.0 ** self.shift).astype(np.int64)
        b = np.zeros(q.shape[0]) if bias is None else bias
        self.b = (np.rint(b * 2.0 ** np.asarray(out_bits, dtype=np.float64)).astype(np.int64) << self.shift) + (1 << (self.shift - 1))

    def apply(self, qx, r):
        acc = qx.astype(np.int64) @ self.q.astype(np.int64).T
        v = acc * r[:, None] * self.c[None, :] + self.b[None, :]
        assert np.abs(v).max() < 2 ** 62, f"{self.name}: {np.abs(v).max()} overflows"
        return v >> self.shift


def isqrt(v):
    s = np.floor(np.sqrt(v.astype(np.float64))).astype(np.int64)   # exact for v < 2^52
    assert v.max() < 2 ** 52
    return s


def quantize_row(x):
    """Q(x): int8 codes and the row peak m, per row."""
    m = np.maximum(np.abs(x).max(-1), 1)
    R = ((127 << ROW_SHIFT) // m)
    q = np.clip((x * R[:, None] + (1 << (ROW_SHIFT - 1))) >> ROW_SHIFT, -127, 127)
    return q, m


def ln_quantize(h, eps_int):
    """LN(h) folded into the next linear: codes of the centred row and r = m * 2^20 / s."""
    n = h.shape[-1]
    mean = h.sum(-1) >> int(math.log2(n))
    c = h - mean[:, None]
    s = isqrt((c * c).sum(-1) + n * eps_int)
    q, m = quantize_row(c)
    r = (m << RHO_BITS) // s
    return q, r


class IntNet:
    def __init__(self, w, stats):
        self.w = w
        d, H, L = w["d"], w["heads"], w["layers"]
        self.d, self.H, self.L, self.dh = d, H, L, d // H
        P = lambda k: max(stats[k])
        self.FR = min(bits_for(P("residual"), CLAMP_RESIDUAL), bits_for(np.abs(w["wte"]).max() + np.abs(w["wpe"]).max(), 32767))
        assert bits_for(np.abs(w["wte"]).max(), 32767) >= self.FR
        FR = self.FR
        self.eps_int = int(round(EPS * 2.0 ** (2 * FR)))
        # LN output units: z = 16 c / s (n=256), q*r == 1 means z = 16/(127 * 2^RHO_BITS)
        n = d
        ln_unit = math.sqrt(n) / (127.0 * 2.0 ** RHO_BITS)
        self.emb = np.rint(w["wte"] * 2.0 ** FR).astype(np.int16)
        self.pos = np.rint(w["wpe"] * 2.0 ** FR).astype(np.int16)
        self.layers = []
        ln_r = 1 << RHO_BITS           # r = m 2^20 / s <= 2^20, since s >= sqrt(sum c^2) >= m
        for i, b in enumerate(w["blocks"]):
            lay = {}
            Fq = bits_for(P(f"q{i}"), CLAMP_ACT)
            Fk = bits_for(P(f"k{i}"), KV_MAX)
            Fv = bits_for(P(f"v{i}"), KV_MAX)
            wq = b["qkv"] * b["ln1_w"][:, None]           # fold the LN gain into the rows of W
            bits = np.repeat([Fq, Fk, Fv], d)
            lay["qkv"] = Linear(f"qkv{i}", wq, b["ln1_b"] @ b["qkv"], ln_unit, bits, ln_r)
            lay["Fq"], lay["Fk"], lay["Fv"] = Fq, Fk, Fv
            # softmax table index: (t * A) >> z, A = m_q * mult, t = max dot - dot (dot = q8 . k16):
            # t < 2^29 and m_q <= 2^20, so mult <= 2^13 keeps t * A < 2^62
            real = 2.0 ** -Fq / 127.0 * 2.0 ** -Fk / math.sqrt(self.dh) * 2.0 ** EXP_BITS
            z = int(math.floor(math.log2(2.0 ** 13 / real)))
            lay["score_shift"] = z
            lay["score_mult"] = int(round(real * 2.0 ** z))
            assert z >= 1 and 4096 <= lay["score_mult"] <= 8192
            # attention output o = (sum p v) >> 14, units 2^-Fv, |o| <= 2^16; Q() on it, r = m
            lay["proj"] = Linear(f"proj{i}", b["proj"], None, 2.0 ** -Fv / 127.0, FR, 1 << 16)
            wf = b["fc"] * b["ln2_w"][:, None]
            lay["fc"] = Linear(f"fc{i}", wf, b["ln2_b"] @ b["fc"], ln_unit, GELU_BITS, ln_r)
            lay["fc_out"] = Linear(f"fc_out{i}", b["fc_out"], None, 2.0 ** -GELU_BITS / 127.0, FR, CLAMP_ACT)
            self.layers.append(lay)
        # final LN folded into the tied output layer
        self.FL = bits_for(P("logits"), 1 << 20)
        self.out = Linear("out", (w["wte"] * w["lnf_w"][None, :]).T, w["wte"] @ w["lnf_b"], ln_unit, self.FL, ln_r)
        # hidden state (the final LN's output) for the adapter: (q * r * G_i + HB_i) >> HS, units 2^-12
        self.FH = 12
        hmult = w["lnf_w"] * ln_unit * 2.0 ** self.FH
        self.hshift = int(math.floor(math.log2(2.0 ** 24 / np.abs(hmult).max())))
        self.hg = np.rint(hmult * 2.0 ** self.hshift).astype(np.int64)
        self.hb = (np.rint(w["lnf_b"] * 2.0 ** self.FH).astype(np.int64) << self.hshift) + (1 << (self.hshift - 1))
        i = np.arange(EXP_SIZE)
        self.exp_table = np.rint(EXP_ONE * np.exp(-i / 2.0 ** EXP_BITS)).astype(np.int32)
        self.exp_table[-1] = 0
        g = np.arange(-GELU_RANGE, GELU_RANGE + 1) / 2.0 ** GELU_BITS
        self.gelu_table = np.rint(gelu(g) * 2.0 ** GELU_BITS).astype(np.int32)

    def gelu_int(self, u):
        idx = np.clip(u, -GELU_RANGE, GELU_RANGE) + GELU_RANGE
        return np.where(u > GELU_RANGE, np.minimum(u, CLAMP_ACT), self.gelu_table[idx])

    def forward(self, ids):
        """Integer network over one window at positions 0..S-1: int logits [S,V] (units 2^-FL), hidden [S,d]."""
        S, d, H, dh = len(ids), self.d, self.H, self.dh
        h = self.emb[ids].astype(np.int64) + self.pos[:S].astype(np.int64)
        clamp = lambda x: np.clip(x, -CLAMP_RESIDUAL, CLAMP_RESIDUAL)
        for lay in self.layers:
            qa, r = ln_quantize(h, self.eps_int)
            qkv = lay["qkv"].apply(qa, r)
            q = np.clip(qkv[:, :d], -CLAMP_ACT, CLAMP_ACT)
            k = np.clip(qkv[:, d:2 * d], -KV_MAX, KV_MAX)
            v = np.clip(qkv[:, 2 * d:], -KV_MAX, KV_MAX)
            ys = []
            for hd in range(H):
                sl = slice(hd * dh, (hd + 1) * dh)
                q8, mq = quantize_row(q[:, sl])
                dots = q8 @ k[:, sl].T                              # [S,S] int64 (fits int32)
                out = np.zeros((S, dh), dtype=np.int64)
                for t in range(S):
                    dt = dots[t, :t + 1]
                    tt = dt.max() - dt
                    A = mq[t] * lay["score_mult"]
                    idx = np.minimum((tt * A + (1 << (lay["score_shift"] - 1))) >> lay["score_shift"], EXP_SIZE - 1)
                    e = self.exp_table[idx].astype(np.int64)
                    Rp = (1 << (PROB_BITS + PROB_SHIFT)) // e.sum()
                    p = (e * Rp + (1 << (PROB_SHIFT - 1))) >> PROB_SHIFT
                    out[t] = (p @ v[:t + 1, sl] + (1 << (PROB_BITS - 1))) >> PROB_BITS
                ys.append(out)
            y = np.concatenate(ys, axis=1)
            qy, my = quantize_row(y)
            h = clamp(h + lay["proj"].apply(qy, my))
            qa, r = ln_quantize(h, self.eps_int)
            u = lay["fc"].apply(qa, r)
            g = self.gelu_int(u)
            qg, mg = quantize_row(g)
            h = clamp(h + lay["fc_out"].apply(qg, mg))
        qa, r = ln_quantize(h, self.eps_int)
        logits = np.clip(self.out.apply(qa, r), -CLAMP_LOGIT, CLAMP_LOGIT)
        hidden = (qa * r[:, None] * self.hg[None, :] + self.hb[None, :]) >> self.hshift
        return logits, hidden

    def constants(self):
        c = {"spec": SPEC, "residual_bits": self.FR, "eps": self.eps_int, "clamp_residual": CLAMP_RESIDUAL,
             "row_shift": ROW_SHIFT, "rho_bits": RHO_BITS, "exp_bits": EXP_BITS, "exp_size": EXP_SIZE,
             "prob_bits": PROB_BITS, "prob_shift": PROB_SHIFT, "gelu_bits": GELU_BITS, "gelu_range": GELU_RANGE,
             "logit_bits": self.FL, "hidden_bits": self.FH, "hidden_shift": self.hshift, "layers": []}
        for lay in self.layers:
            c["layers"].append({"score_mult": lay["score_mult"], "score_shift": lay["score_shift"],
                                **{f"{k}_shift": lay[k].shift for k in ("qkv", "proj", "fc", "fc_out")}})
        c["out_shift"] = self.out.shift
        return c

    def tensors(self):
        """Every tensor both engines read, by name (ONNX layouts: weights [in][out] as u8 = w + 128)."""
        t = {"emb": self.emb, "pos": self.pos, "exp_table": self.exp_table, "gelu_table": self.gelu_table,
             "hidden_gain": self.hg, "hidden_bias": self.hb}

        def lin(prefix, li):
            t[prefix + ".w"] = (li.q.T.astype(np.int16) + 128).astype(np.uint8)
            t[prefix + ".c"] = li.c
            t[prefix + ".b"] = li.b

        for i, lay in enumerate(self.layers):
            for k in ("qkv", "proj", "fc", "fc_out"):
                lin(f"l{i}.{k}", lay[k])
        lin("out", self.out)
        return t


def log_softmax_bits(logits, targets):
    z = logits - logits.max(-1, keepdims=True)
    lse = np.log(np.exp(z).sum(-1))
    return float((lse - z[np.arange(len(targets)), targets]).sum() / math.log(2))


def main():
    pass

    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="models/lm/weights.f16")
    ap.add_argument("--tokens", default="models/training/work/tokens")
    ap.add_argument("--out", default="models/lm")
    ap.add_argument("--calibration-windows", type=int, default=64)
    ap.add_argument("--check", type=int, default=0, help="validation windows to measure float vs integer")
    ap.add_argument("--vectors", help="write the integer outputs of 64 validation tokens here (a C# test checks them)")
    a = ap.parse_args()
    w = load_f16(a.weights)
    S = w["ctx"]
    train = np.memmap(os.path.join(a.tokens, "train.u16"), dtype="<u2", mode="r")
    # Evenly spaced windows of the training split (deterministic).
    stats = {}
    step = (len(train) - S) // a.calibration_windows
    for j in range(a.calibration_windows):
        float_forward(w, np.asarray(train[j * step:j * step + S], dtype=np.int64), stats)
    net = IntNet(w, stats)
    print("calibration peaks:", {k: round(max(v), 3) for k, v in stats.items()})
    print("constants:", json.dumps(net.constants()))
    if a.check:
        valid = np.memmap(os.path.join(a.tokens, "valid.u16"), dtype="<u2", mode="r")
        vstep = (len(valid) - S - 1) // a.check
        fb = ib = n = 0
        for j in range(a.check):
            ids = np.asarray(valid[j * vstep:j * vstep + S + 1], dtype=np.int64)
            fb += log_softmax_bits(float_forward(w, ids[:-1]), ids[1:])
            il, _ = net.forward(ids[:-1])
            ib += log_softmax_bits(il.astype(np.float64) / 2.0 ** net.FL, ids[1:])
            n += S
            print(f"window {j}: float {fb / n:.4f} int {ib / n:.4f} bits/token", flush=True)
    if a.vectors:
        valid = np.memmap(os.path.join(a.tokens, "valid.u16"), dtype="<u2", mode="r")
        ids = np.asarray(valid[:64], dtype=np.int64)
        logits, hidden = net.forward(ids)
        probe = [0, 13, 262, 8191]
        rows = [{"logit_sum": int(logits[t].sum()), "argmax": int(logits[t].argmax()), "probe": [int(logits[t, i]) for i in probe],
                 "hidden_sum": int(hidden[t].sum()), "hidden0": int(hidden[t, 0])} for t in range(len(ids))]
        with open(a.vectors, "w") as f:
            json.dump({"spec": SPEC, "ids": [int(i) for i in ids], "probe_tokens": probe, "positions": rows}, f)
            f.write("\n")
    if a.out != "-":
        os.makedirs(a.out, exist_ok=True)
        from intgraph import build_graph
        build_graph(net, a.out)


if __name__ == "__main__":
    main()
