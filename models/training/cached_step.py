"""The graph lmz runs: fixed-size key/value caches in, only the new entries out.

  forward(input_ids [B,S] int64, position [1] int64,
          k_0..k_{L-1} [B,H,Dh,N] float32 (keys stored transposed),
          v_0..v_{L-1} [B,H,N,Dh] float32)
      -> logits [B,S,V], new_k [L,B,H,Dh,S], new_v [L,B,H,S,Dh], hidden [B,S,D]

Cache positions 0..position-1 are valid; the S new tokens sit at positions
position..position+S-1 (position + S <= N = ctx). Attention reads the caches in
place (keys pre-transposed, one input per layer and kind), so a step never copies
the cache: earlier versions that sliced and concatenated it spent most of a
batch-8 step moving memory. Every input and output keeps its shape from step to
step, so the C# side binds pinned buffers once and writes new_k/new_v into its
caches itself.
"""
import math

import torch
import torch.nn.functional as F


class CachedStep(torch.nn.Module):
    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, position, *caches):
        g, c = self.gpt, self.gpt.cfg
        L, H, Dh, D = c.layers, c.heads, c.head_dim, c.d_model
        ks, vs = caches[:L], caches[L:]
        B, S = input_ids.shape
        N = vs[0].shape[2]
        s_idx = torch.arange(S)
        x = g.wte(input_ids) + g.wpe(s_idx + position)
        past_hidden = torch.arange(N) >= position                   # [N] True = not yet filled
        new_hidden = s_idx.unsqueeze(0) > s_idx.unsqueeze(1)         # [S,S] True = future
        scale = 1.0 / math.sqrt(Dh)
        new_k, new_v = [], []
        for i, blk in enumerate(g.blocks):
            q, k, v = blk.qkv(blk.ln1(x)).split(D, dim=2)
            q = q.view(B, S, H, Dh).transpose(1, 2)                  # [B,H,S,Dh]
            kt = k.view(B, S, H, Dh).permute(0, 2, 3, 1)             # [B,H,Dh,S]
            v = v.view(B, S, H, Dh).transpose(1, 2)                  # [B,H,S,Dh]
            att_past = (q @ ks[i]).masked_fill(past_hidden, float("-inf"))
            att_new = (q @ kt).masked_fill(new_hidden, float("-inf"))
            att = F.softmax(torch.cat([att_past, att_new], dim=-1) * scale, dim=-1)
            y = att[..., :N] @ vs[i] + att[..., N:] @ v              # [B,H,S,Dh]
            x = x + blk.proj(y.transpose(1, 2).reshape(B, S, D))
            x = x + blk.fc_out(F.gelu(blk.fc(blk.ln2(x)), approximate="tanh"))
            new_k.append(kt)
            new_v.append(v)
        hidden = g.ln_f(x)
        logits = hidden @ g.wte.weight.t()
        return logits, torch.stack(new_k, 0), torch.stack(new_v, 0), hidden


def empty_caches(cfg, batch):
    ks = [torch.zeros(batch, cfg.heads, cfg.head_dim, cfg.ctx) for _ in range(cfg.layers)]
    vs = [torch.zeros(batch, cfg.heads, cfg.ctx, cfg.head_dim) for _ in range(cfg.layers)]
    return ks, vs


def write_caches(ks, vs, new_k, new_v, at):
    """Stores a step's new entries at positions at.. (what the C# side does)."""
    s = new_v.shape[3]
    for i in range(len(ks)):
        ks[i][:, :, :, at:at + s] = new_k[i]
        vs[i][:, :, at:at + s, :] = new_v[i]
