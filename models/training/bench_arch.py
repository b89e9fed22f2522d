"""Short training runs of candidate architectures, to pick the one with the
best validation bits/byte for the CPU time we can afford.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/bench_arch.py --seconds 150 \
      --export models/training/work/arch
  dotnet bench/Lmz.Bench/bin/Release/net10.0/Lmz.Bench.dll netstep models/training/work/arch/*/int8

With --export, each candidate is also exported (export.py, export_weights.py) and
quantized like the shipped model (intnet.py: the integer network of
docs/INTNET.md) into a bundle EXPORT/L{L}_D{D}_N{N}/int8 (with the shipped
tokenizer), so `bench netstep` can time its step on both engines: the CPU cost of
coding with it.

Each config trains for --seconds of training time with the same recipe as
train.py (warmup + cosine to 10% over the run), then is evaluated on one fixed
span of valid.u16 shared by all configs.  Batches hold the same number of
tokens for every ctx (--batch-tokens), so configs differ only in architecture.
Caveats: a 40 s run ranks early learning speed, not the final quality of a
long run (bigger models catch up later), and tokens/s is only meaningful if
nothing else competes for the CPU.
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import GPT, GPTConfig  # noqa: E402
from train import setup_cpu, load_data, sample_batch, make_optimizer, lr_at, eval_windows, quick_val_starts  # noqa: E402

CONFIGS = [  # (layers, d_model, heads, ctx)
    (4, 256, 4, 256),
    (4, 256, 4, 128),
    (3, 256, 4, 256),
    (2, 256, 4, 256),
    (4, 192, 3, 256),
    (6, 256, 4, 256),
]


def bench(cfg, train, valid, meta, args, span_starts, span):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = GPT(cfg)
    opt = make_optimizer(model, args.lr)
    batch = max(1, args.batch_tokens // cfg.ctx)
    elapsed, steps, tail = 0.0, 0, []
    while elapsed < args.seconds:
        t0 = time.perf_counter()
        for g in opt.param_groups:
            g["lr"] = lr_at(elapsed, args.seconds, args.lr, 0.05 * args.seconds)
        x, y = sample_batch(train, rng, batch, cfg.ctx)
        loss = F.cross_entropy(model(x)[0].reshape(-1, cfg.vocab_size), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        elapsed += time.perf_counter() - t0
        steps += 1
        if elapsed >= 0.8 * args.seconds:  # mean loss over the last 20% of the run
            tail.append(loss.item())
    # the same tokens for every config: each span-long chunk cut into ctx windows
    starts = [s + j * cfg.ctx for s in span_starts for j in range(span // cfg.ctx)]
    total, first, n = eval_windows(model, valid, starts, cfg.ctx)
    bpt = meta["valid_bytes"] / meta["valid_tokens"]  # average bytes/token (estimate)
    if args.export:
        export(model, cfg, steps, elapsed, args.export, args.tokens)
    return dict(params=model.num_params(), steps=steps, tok_s=steps * batch * cfg.ctx / elapsed,
                train_loss=sum(tail) / len(tail),
                bpb=total / math.log(2) / (n * bpt),
                bpb_pred=(total - first) / math.log(2) / ((n - len(starts)) * bpt))


def export(model, cfg, steps, elapsed, root, tokens):
    """ckpt.pt in export.py's format, the float graph, and the integer network as a bundle."""
    d = os.path.join(root, f"L{cfg.layers}_D{cfg.d_model}_N{cfg.ctx}")
    os.makedirs(d, exist_ok=True)
    torch.save(dict(model=model.state_dict(), config=cfg.to_dict(), state=dict(step=steps, elapsed=elapsed)),
               os.path.join(d, "ckpt.pt"))
    py = sys.executable
    run = lambda *a: subprocess.run([py, *a], check=True, stdout=subprocess.DEVNULL)
    run(os.path.join(HERE, "export.py"), "--work", d, "--out", os.path.join(d, "float"))
    bundle = os.path.join(d, "int8")
    os.makedirs(bundle, exist_ok=True)
    run(os.path.join(HERE, "export_weights.py"), os.path.join(d, "ckpt.pt"), os.path.join(bundle, "weights.f16"))
    subprocess.run([py, os.path.join(HERE, "intnet.py"), "--weights", os.path.join(bundle, "weights.f16"),
                    "--tokens", tokens, "--out", bundle], check=True, stdout=subprocess.DEVNULL, cwd=HERE)
    shutil.copy(os.path.join(HERE, "..", "lm", "tokenizer.tiktoken"), bundle)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--tokens", default=os.path.join(HERE, "work", "tokens"), help="lmz-train tokenize output")
    ap.add_argument("--export", help="export each candidate under this directory (see above)")
    ap.add_argument("--batch-tokens", type=int, default=16 * 256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--configs", help="override, e.g. '4,256,4,256;3,192,3,256' (L,D,H,N)")
    args = ap.parse_args()
    setup_cpu(args.threads)

    meta, train, valid = load_data(args.tokens)
    confs = [tuple(map(int, c.split(","))) for c in args.configs.split(";")] if args.configs else CONFIGS
    span = max(c[3] for c in confs)
    assert all(span % c[3] == 0 for c in confs), "every ctx must divide the largest ctx"
    span_starts = quick_val_starts(len(valid), span)

    print(f"{args.seconds:.0f} s each; bpb on {len(span_starts) * span} valid tokens "
          "(bytes estimated from the average bytes/token); bpb_pred excludes each "
          "window's unconditioned first token", flush=True)
    print("L  D    H  N    params     steps  tok/s   train_loss  bpb     bpb_pred", flush=True)
    for L, D, H, N in confs:
        r = bench(GPTConfig(meta["vocab_size"], L, D, H, N), train, valid, meta, args, span_starts, span)
        print(f"{L:<2} {D:<4} {H:<2} {N:<4} {r['params']:<10,} {r['steps']:<6} {r['tok_s']:<7.0f} "
              f"{r['train_loss']:<11.4f} {r['bpb']:<7.4f} {r['bpb_pred']:.4f}", flush=True)


if __name__ == "__main__":
    main()
