"""The graph lmz runs: a fixed-size key/value cache in, only the new entries out.

  forward(input_ids [B,S] int64, cache [L,2,B,H,N,Dh] float32, position [1] int64)
      -> logits [B,S,V], new_kv [L,2,B,H,S,Dh], hidden [B,S,D]

Entries 0..position-1 of the cache are valid; the S new tokens sit at positions
position..position+S-1 (position + S <= ctx). Every input and output keeps its
shape from step to step, so the C# side binds pinned buffers once and copies
new_kv into its cache itself: no allocation per token.
"""
import torch


class CachedStep(torch.nn.Module):
    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, cache, position):
        p = position[0]
        past = cache[:, :, :, :, :p]
        logits, present, hidden = self.gpt(input_ids, past)
        new_kv = present[:, :, :, :, p:]
        return logits, new_kv, hidden
