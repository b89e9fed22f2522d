"""Dynamic evaluation of the network alone, the experiment behind level 9: code a token file
(from `bench tokens FILE OUT.u16`) window by window (W new tokens
after up to C context tokens, positions from 0), report bits per byte of the network
alone, static vs SGD/Adam updates after each window on that window's loss.

  /usr/bin/python3 models/training/dyneval.py paper1.u16 53161 --lr 0.03   # tokens, file bytes
"""
import argparse, math, os, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np, torch, torch.nn.functional as F
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import GPT, GPTConfig

ap = argparse.ArgumentParser()
ap.add_argument("tokens"); ap.add_argument("nbytes", type=int)
ap.add_argument("--ckpt", default=os.path.join(HERE, "work/stage3/ckpt.pt"))
ap.add_argument("--W", type=int, default=128); ap.add_argument("--C", type=int, default=128)
ap.add_argument("--opt", default="sgd"); ap.add_argument("--lr", type=float, default=0.0)
ap.add_argument("--params", default="all")  # all | top | head | ln
ap.add_argument("--limit", type=int, default=0)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(a.threads)
ck = torch.load(a.ckpt, map_location="cpu")
cfg = GPTConfig(**{k: ck["config"][k] for k in ("vocab_size", "layers", "d_model", "heads", "ctx")})
m = GPT(cfg); m.load_state_dict(ck["model"]); m.train(False)
toks = np.fromfile(a.tokens, dtype="<u2").astype(np.int64)
if a.limit: toks = toks[:a.limit]
X = torch.from_numpy(np.concatenate([[0], toks]))
if a.params == "all": ps = list(m.parameters())
elif a.params == "top": ps = list(m.blocks[-1].parameters()) + list(m.ln_f.parameters())
elif a.params == "top2": ps = list(m.blocks[-1].parameters()) + list(m.blocks[-2].parameters()) + list(m.ln_f.parameters())
elif a.params == "ln": ps = [p for n, p in m.named_parameters() if "ln" in n]
else: raise SystemExit("params?")
for p in m.parameters(): p.requires_grad_(False)
for p in ps: p.requires_grad_(True)
opt = None
if a.lr > 0:
    opt = torch.optim.SGD(ps, lr=a.lr) if a.opt == "sgd" else torch.optim.Adam(ps, lr=a.lr, betas=(0.9, 0.999))
n = len(toks); bits = 0.0; t0 = time.time()
for s in range(0, n, a.W):
    e = min(n, s + a.W); c = max(0, s - a.C)
    inp = X[c:e].unsqueeze(0)           # inputs predicting targets c..e-1
    tgt = torch.from_numpy(toks[c:e]).unsqueeze(0)
    with torch.set_grad_enabled(opt is not None):
        logits, _, _ = m(inp)
        lp = F.log_softmax(logits[0, s - c:], dim=-1)
        nll = -lp.gather(1, tgt[0, s - c:].unsqueeze(1)).squeeze(1)
        loss = nll.mean()
    bits += nll.sum().item() / math.log(2)
    if opt is not None:
        opt.zero_grad(); loss.backward(); opt.step()
print(f"{os.path.basename(a.tokens)} opt={a.opt} lr={a.lr} params={a.params} W={a.W} C={a.C}: "
      f"{bits / (a.nbytes if not a.limit else a.nbytes * a.limit / len(np.fromfile(a.tokens, dtype='<u2'))):.4f} bpb (approx if limit) {time.time()-t0:.0f}s", flush=True)
