"""Decoder-only transformer (GPT) for lmz, plain torch 1.13.

One module serves both training (P=0, no cache) and the ONNX export
(KV cache).  Design choices:
  * learned absolute position embeddings, so positions must stay < ctx;
    the C# side has to re-prime the cache when a window would pass ctx.
  * pre-LayerNorm blocks + final LayerNorm (stable without warmup tricks).
  * Linear layers have NO bias: they add parameters and ONNX ops but
    measurably nothing for LMs of this size; LayerNorms keep weight+bias.
  * output head tied to the token embedding (saves V*D params, ~40% of a
    small model, and usually helps bits/byte at this scale).
  * GELU with tanh approximation (exported as a few elementwise ops,
    identical in every runtime).
  * attention is written out by hand: torch 1.13 has no
    scaled_dot_product_attention, and explicit ops export cleanly.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 8192
    layers: int = 4
    d_model: int = 256
    heads: int = 4
    ctx: int = 256

    @property
    def head_dim(self):
        return self.d_model // self.heads

    def to_dict(self):
        return asdict(self)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        assert cfg.d_model % cfg.heads == 0, "d_model must be divisible by heads"
        self.h, self.dh = cfg.heads, cfg.head_dim
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model, bias=False)
        self.fc_out = nn.Linear(4 * cfg.d_model, cfg.d_model, bias=False)

    def forward(self, x, past_kv, mask):
        # x [B,S,D]; past_kv [2,B,H,P,Dh]; mask [S,P+S] bool, True = hidden
        B, S, D = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        # [B,S,D] -> [B,H,S,Dh]
        q = q.view(B, S, self.h, self.dh).transpose(1, 2)
        k = k.view(B, S, self.h, self.dh).transpose(1, 2)
        v = v.view(B, S, self.h, self.dh).transpose(1, 2)
        # append the new keys/values after the cached ones (P may be 0)
        k = torch.cat([past_kv[0], k], dim=2)
        v = torch.cat([past_kv[1], v], dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))
        att = att.masked_fill(mask, float("-inf"))  # key 0 is always visible: no all -inf row
        y = F.softmax(att, dim=-1) @ v  # [B,H,S,Dh]
        y = y.transpose(1, 2).reshape(B, S, D)
        x = x + self.proj(y)
        x = x + self.fc_out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))
        return x, torch.stack([k, v], dim=0)  # present [2,B,H,P+S,Dh]


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.ctx, cfg.d_model)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.layers)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.apply(self._init)
        # GPT-2 trick: scale residual-output projections so the residual
        # stream's variance does not grow with depth.
        for b in self.blocks:
            for w in (b.proj.weight, b.fc_out.weight):
                nn.init.normal_(w, 0.0, 0.02 / math.sqrt(2 * cfg.layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def empty_past(self, batch):
        c = self.cfg
        return torch.zeros(c.layers, 2, batch, c.heads, 0, c.head_dim)

    def forward(self, input_ids, past=None):
        """input_ids [B,S] int64, past [L,2,B,H,P,Dh] float32 (None = P 0).
        Returns logits [B,S,V], present [L,2,B,H,P+S,Dh], hidden [B,S,D]."""
        B, S = input_ids.shape
        if past is None:
            past = self.empty_past(B)
        P = past.shape[4]
        # positions/mask from the traced shapes so the ONNX graph stays dynamic
        q_pos = torch.arange(S, device=input_ids.device) + P  # absolute P..P+S-1
        k_pos = torch.arange(P + S, device=input_ids.device)  # 0..P+S-1
        mask = k_pos.unsqueeze(0) > q_pos.unsqueeze(1)  # [S,P+S], True = future
        x = self.wte(input_ids) + self.wpe(q_pos)
        presents = []
        for i, block in enumerate(self.blocks):
            x, pres = block(x, past[i], mask)
            presents.append(pres)
        hidden = self.ln_f(x)
        logits = hidden @ self.wte.weight.t()  # tied head
        return logits, torch.stack(presents, dim=0), hidden

    def num_params(self):
        return sum(p.numel() for p in self.parameters())  # tied weight counted once
